"""What only a whole web page has around its article: navigation, sidebars, comments, adverts.

The extractor uses it to tell a full page from a fragment; the date reader to ignore dates in
comments and "most read" lists.
"""

from __future__ import annotations

import html
import re

from lxml.html import HtmlElement

# Elements (outside any <article>), and class or id words, that only a whole web page has
# around its article.
FURNITURE_TAGS = ("nav", "aside", "header", "footer", "form", "menu")
FURNITURE_ELEMENTS = "//*[{}][not(ancestor::article)]".format(
    " or ".join(f"self::{tag}" for tag in FURNITURE_TAGS)
)
FURNITURE_WORDS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|comments?|footer|header|masthead|"
    r"banner|adverts?|advertisement|ads?|sponsored|promo|related|breadcrumbs?|cookies?|share|"
    r"sharing|social|newsletter|subscribe|widget|most-?read|popular)(?:$|[\s_-])",
    re.IGNORECASE,
)


def in_furniture(element: HtmlElement) -> bool:
    """Whether an element stands in the page's furniture rather than in its article."""
    for ancestor in element.iterancestors():
        if ancestor.tag == "article":
            return False
        if ancestor.tag in FURNITURE_TAGS or FURNITURE_WORDS.search(
            f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        ):
            return True
    return False


# Blocks of an article's text that are the page's furniture rather than its words: kept in the
# original, trimmed from the body. Each is matched against a whole block (a paragraph or a
# heading), its white space run together.
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*(?:am|pm|gmt|bst|utc))?"
_SHARE_WORD = (
    r"share(?:\s+(?:this|on|via))?(?:\s+(?:article|page|story|post))?|tweet|twitter|facebook|"
    r"e-?mail|whatsapp|linkedin|reddit|print|pinterest|messenger|copy\s+link|bluesky|threads|x"
)
FURNITURE_BLOCKS = (
    # "Click to follow Indy Politics", "Follow us on Twitter"
    re.compile(r"^click\s+to\s+follow\b.{0,60}$", re.I),
    re.compile(r"^follow\s+(?:us|@\w+)\b.{0,40}$", re.I),
    # "7 April 2013 Last updated at 15:01", "Updated 14:02 · Share this article"
    re.compile(
        rf"^.{{0,40}}\b(?:last\s+)?updated(?:\s+(?:at|on))?:?\s+.{{0,40}}?{_TIME}\b.{{0,40}}$", re.I
    ),
    # "Posted by Britannia Radio at 16:56"
    re.compile(rf"^posted\s+by\s+[^\d]{{1,60}}?\s+at\s+{_TIME}\b.{{0,40}}$", re.I),
    # Share buttons: nothing but their labels
    re.compile(rf"^(?:(?:{_SHARE_WORD})\s*[:|·•,/-]?\s*)+$", re.I),
)
# Only among an article's first blocks: a dateline, a lone URL (kept as the article's address),
# "Posted on 2 April 2016".
LEADING_BLOCKS = 3
_LEADING_FURNITURE = (
    re.compile(r"^https?://\S+$"),
    re.compile(r"^(?:posted|published|first\s+published|date)(?:\s+on)?:?\s+.{4,40}$", re.I),
)
_SENTENCE_ENDS = (".", "!", "?", '"', "”", "’")
FURNITURE_LENGTH = 120
SPLIT_BLOCKS = 4
SPLIT_BLOCK_LENGTH = 40
_BLOCK = re.compile(r"<(p|h[2-6])>(.*?)</\1>\n?", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_FOLLOW = re.compile(r"\bclick\s+to\s+follow\s+(?P<name>[^\n.]{2,60})", re.I)


def trim(body_html: str) -> str:
    """Clean body HTML less the blocks that are page furniture; never all of it.

    Furniture written over several short blocks ("Posted by" / "Britannia Radio" / "at" /
    "16:56", one a line in a transcription) is recognised with its blocks joined.
    """
    from archive.importing import dates  # dates imports this module

    blocks = list(_BLOCK.finditer(body_html))
    # Only short blocks can be furniture: long ones are not read (their text stays "…").
    texts = [
        " ".join(html.unescape(_TAG.sub(" ", b.group(2))).split())
        if b.end(2) - b.start(2) <= 4 * FURNITURE_LENGTH
        else "…"
        for b in blocks
    ]
    dropped: set[int] = set()
    for number, text in enumerate(texts):
        if number in dropped or text.endswith(_SENTENCE_ENDS):  # a sentence is never furniture
            continue
        if len(text) > FURNITURE_LENGTH:  # furniture is a short line
            continue
        if any(pattern.match(text) for pattern in FURNITURE_BLOCKS) or (
            number < LEADING_BLOCKS
            and (
                any(pattern.match(text) for pattern in _LEADING_FURNITURE)
                or dates.is_dateline(text)
            )
        ):
            dropped.add(number)
            continue
        for count in range(2, SPLIT_BLOCKS + 1):
            run = texts[number : number + count]
            if len(run) < count or any(len(part) > SPLIT_BLOCK_LENGTH for part in run):
                break
            if any(pattern.match(" ".join(run)) for pattern in FURNITURE_BLOCKS):
                dropped.update(range(number, number + count))
                break
    if not dropped or len(dropped) == len(blocks):
        return body_html
    parts: list[str] = []
    position = 0
    for number, block in enumerate(blocks):
        parts.append(body_html[position : block.start()])
        if number not in dropped:
            parts.append(block.group(0))
        position = block.end()
    parts.append(body_html[position:])
    trimmed = "".join(parts)
    return trimmed if trimmed.strip() else body_html


def follow_names(text: str) -> list[str]:
    """The names in "Click to follow …" lines: a publication's section or writer."""
    return [" ".join(match.group("name").split()) for match in _FOLLOW.finditer(text)]
