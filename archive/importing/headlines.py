"""A page's headline and the publication it comes from, from its markup and metadata.

The headline is the page's ``<h1>`` unless that is missing, generic ("News", "Read more",
"Information and resources"), the site's own name, or part of the page's masthead; then it is
the headline the page's metadata gives (JSON-LD ``headline``, Open Graph, parsely, Dublin Core,
Twitter), else the ``<title>`` without the site's name ("Headline | Site", "Site: Headline").

The source is the publication naming itself: ``og:site_name`` or the JSON-LD publisher (read by
trafilatura), else the site's name beside the headline in ``<title>``, a blog's "Posted by … at
…", or the host of the canonical URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from archive.importing.furniture import in_furniture

# Headings that name a section of a site rather than an article (compared case-folded, without
# punctuation at the ends).
GENERIC_HEADINGS = frozenset(
    {
        "about",
        "about this site",
        "analysis",
        "announcements",
        "blog posts",
        "briefing",
        "bulletin",
        "business",
        "comment",
        "comment is free",
        "editorial",
        "events",
        "features",
        "letters",
        "local news",
        "media centre",
        "national news",
        "newsletter",
        "newsroom",
        "opinion",
        "politics",
        "sport",
        "uk news",
        "updates",
        "world",
        "about us",
        "archive",
        "archives",
        "article",
        "blog",
        "breaking news",
        "campaigns",
        "contact",
        "contact us",
        "home",
        "home page",
        "homepage",
        "in the news",
        "information",
        "information and resources",
        "latest",
        "latest news",
        "main menu",
        "media",
        "media releases",
        "menu",
        "navigation",
        "news",
        "news and events",
        "news and views",
        "news release",
        "news releases",
        "press",
        "press release",
        "press releases",
        "read more",
        "related articles",
        "resources",
        "search",
        "skip to content",
        "skip to main content",
        "statement",
        "statements",
        "stories",
        "top stories",
        "untitled",
        "welcome",
    }
)
# Meta tags naming the article's headline, most specific first.
HEADLINE_META = (
    "og:title",
    "parsely-title",
    "dc.title",
    "dcterms.title",
    "citation_title",
    "sailthru.title",
    "twitter:title",
)
SITE_NAME_META = ("og:site_name", "application-name", "dc.publisher", "dcterms.publisher")
# What separates a headline from the site's name in <title>.
TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—•·»:]{1,2}|-{1,2})\s+|(?<=\w):\s+")
_POSTED_BY = re.compile(r"\bPosted by\s+(?P<name>[^\d\n]{2,60}?)\s+at\s+\d{1,2}[:.]\d{2}\b", re.I)
_HOSTNAME = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")


def fold(text: str) -> str:
    return " ".join(text.split()).strip(" .:;,!?-–—|").casefold()


def is_generic(heading: str, site_names: set[str] = frozenset()) -> bool:
    """Whether a heading names a section or the site itself rather than an article."""
    folded = fold(heading)
    return not folded or folded in GENERIC_HEADINGS or folded in site_names


def meta_values(tree: HtmlElement, names: tuple[str, ...]) -> Iterator[str]:
    """The content of the meta tags with these names (or properties), in the order of names."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        content = " ".join((meta.get("content") or "").split())
        if key in names and content and key not in found:
            found[key] = content
    for name in names:
        if name in found:
            yield found[name]


def json_ld(tree: HtmlElement) -> Iterator[dict]:
    """Every object in the page's JSON-LD scripts, nested ones and @graph members included."""
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for v in item.values() if isinstance(v, dict | list))


def title_parts(tree: HtmlElement) -> list[str]:
    """The <title> split at its separators: ["Headline", "Politics", "The Guardian"]."""
    title = tree.find(".//title")
    text = " ".join((title.text_content() if title is not None else "").split())
    return [part for part in TITLE_SEPARATORS.split(text) if part.strip()] if text else []


def site_names(tree: HtmlElement, sitename: str) -> set[str]:
    """The names the site goes by, case-folded: its metadata's, and its masthead's."""
    names = {fold(sitename)} if sitename else set()
    names.update(fold(value) for value in meta_values(tree, SITE_NAME_META))
    for element in tree.xpath(
        "//header[not(ancestor::article)]//a"
        ' | //*[contains(@class, "logo") or contains(@id, "logo")]'
        ' | //*[contains(@class, "site-title") or contains(@class, "blog-title")]'
    ):
        text = element.text_content()
        if text and len(text) < 80:
            names.add(fold(text))
    names.discard("")
    return names


def headline(tree: HtmlElement, h1: str, metadata_title: str, sitename: str) -> tuple[str, str]:
    """The article's headline and the site's name where the page gives it beside the headline
    (in <title>) or above it (an h1 in its masthead)."""
    names = site_names(tree, sitename)
    masthead = bool(h1) and _h1_in_masthead(tree, h1)
    if masthead:
        names.add(fold(h1))
    headings = {fold(text) for text in _headings(tree)} - ({fold(h1)} if masthead else set())
    parts = title_parts(tree)
    site_from_title = ""
    if len(parts) > 1:
        # "Headline | Section | Site" or "Site: Headline": the part naming the site is one the
        # site's names hold, else the end a heading on the page does not repeat, else the last.
        named = [part for part in parts if fold(part) in names]
        if named:
            site_from_title = named[0]
        elif fold(parts[-1]) in headings and fold(parts[0]) not in headings:
            site_from_title = parts[0]
        else:
            site_from_title = parts[-1]
    site = h1 if masthead else site_from_title
    names_with_site = names | {fold(site_from_title)} - {""}
    from_metadata = ""
    for candidate in _metadata_headlines(tree, metadata_title):
        stripped = strip_site_name(candidate, names_with_site)
        if stripped and not is_generic(stripped, names_with_site):
            from_metadata = stripped
            break
    if h1 and not masthead and not is_generic(h1, names_with_site):
        # A word or two over a longer headline in the metadata is a section's name ("Opinion").
        if not (from_metadata and len(h1.split()) <= 2 < len(from_metadata.split())):
            return h1, site
    if from_metadata:
        return from_metadata, site
    for part in parts:  # the <title> part a heading on the page repeats
        if fold(part) in headings and not is_generic(part, names_with_site):
            return part, site
    following = _heading_after(tree, h1) if h1 else ""
    if following and not is_generic(following, names_with_site):
        return following, site
    remaining = [part for part in parts if not is_generic(part, names_with_site)]
    if remaining and len(parts) > 1:
        return max(remaining, key=len), site
    return "", site


def masthead_name(tree: HtmlElement) -> str:
    """The site's name as its logo or masthead writes it, if it does in words."""
    for element in tree.xpath(
        '//*[contains(@class, "logo") or contains(@id, "logo")'
        ' or contains(@class, "site-title") or contains(@class, "blog-title")]'
    ):
        text = " ".join(element.text_content().split())
        if 1 < len(text) < 80:
            return text
    return ""


def strip_site_name(title: str, names: set[str]) -> str:
    """A headline without the site's name before or after it ("Headline | The Guardian")."""
    parts = [part for part in TITLE_SEPARATORS.split(title) if part.strip()]
    if len(parts) < 2:
        return " ".join(title.split())
    kept = [part for part in parts if fold(part) not in names]
    if len(kept) == len(parts):
        return " ".join(title.split())
    return " ".join(" – ".join(kept).split())


def _metadata_headlines(tree: HtmlElement, metadata_title: str) -> Iterator[str]:
    for item in json_ld(tree):
        value = item.get("headline")
        if isinstance(value, str) and value.strip():
            yield " ".join(value.split())
    yield from meta_values(tree, HEADLINE_META)
    if metadata_title:
        yield metadata_title


def _heading_after(tree: HtmlElement, h1: str) -> str:
    """The first h2 or h3 after the page's h1 (a section's name), outside the furniture."""
    seen = False
    for element in tree.xpath("//body//*[self::h1 or self::h2 or self::h3]"):
        text = " ".join(element.text_content().split())
        if element.tag == "h1" and fold(text) == fold(h1):
            seen = True
        elif seen and element.tag != "h1" and text and not in_furniture(element):
            return text
    return ""


def _headings(tree: HtmlElement) -> Iterator[str]:
    for element in tree.xpath("//body//*[self::h1 or self::h2 or self::h3 or self::h4]"):
        yield element.text_content()
    for element in tree.xpath("//body//p/strong | //body//p/b"):
        yield element.text_content()


def in_masthead(element: HtmlElement) -> bool:
    """Whether an element is in the page's furniture, outside its article or main part."""
    return in_furniture(element) and not element.xpath("ancestor::main or ancestor::article")


def _h1_in_masthead(tree: HtmlElement, h1: str) -> bool:
    """Whether the page's h1 with this text sits in its header or navigation."""
    for element in tree.iter("h1"):
        if fold(element.text_content()) == fold(h1):
            return in_masthead(element)
    return False


def source(tree: HtmlElement, sitename: str, site_from_title: str, text: str, url: str) -> str:
    """The publication the page says it comes from, as it names itself."""
    handles = {value.lstrip("@").casefold() for value in meta_values(tree, ("twitter:site",))}
    weak = not sitename or bool(_HOSTNAME.match(sitename)) or sitename.casefold() in handles
    if not weak:
        return sitename
    for item in json_ld(tree):
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return " ".join(publisher["name"].split())
    return (
        site_from_title
        or posted_by(text)
        or masthead_name(tree)
        or (sitename if not _HOSTNAME.match(sitename) else "")
        or host(url)
    )


def posted_by(text: str) -> str:
    """The name in a blog's "Posted by NAME at 16:56", its lines joined or not."""
    if "osted by" not in text and "OSTED BY" not in text:  # most texts: no need to look
        return ""
    match = _POSTED_BY.search(" ".join(text.split()))
    return match.group("name").strip() if match else ""


def host(url: str) -> str:
    """The host of a URL without "www.": guardian.co.uk."""
    netloc = urlsplit(url).hostname or "" if url else ""
    return netloc.removeprefix("www.")


# A credit naming where a reposted article first appeared.
_CREDIT = re.compile(
    r"(?:\b(?:originally|first)\s+(?:published|appeared)\s+(?:in|on|by|at)"
    r"|\bthis\s+article\s+(?:first\s+)?appeared\s+(?:in|on)"
    r"|\breproduced\s+(?:from|with\s+permission\s+of)"
    r"|^\s*source\s*:)"
    r"\s+(?:the\s+)?(?P<name>[A-Z][\w'&.-]*(?:\s+(?:of\s+)?[A-Z][\w'&.-]*){0,4})",
    re.M,
)


# A word each form of credit holds (as written, in lower case): a text with none of them has no
# credit, and is not searched for one (the search tries every position of the text).
_CREDIT_WORDS = ("published", "appeared", "reproduced", "source")


def original_source(text: str, site: str) -> tuple[str, str]:
    """For an article reposted with a credit ("Originally published in The Guardian"): its
    original source and the site that reposted it; else ("", "")."""
    if not any(word in text for word in _CREDIT_WORDS):
        return "", ""
    match = _CREDIT.search(text)
    if not match:
        return "", ""
    name = match.group("name").strip(" .")
    if match.group(0).lstrip().lower().startswith(("originally", "first", "this", "repro")):
        name = re.sub(r"^(?:[Tt]he\s+)?", "", name)
        if re.search(r"\bthe\s+" + re.escape(name), match.group(0), re.I):
            name = "The " + name
    if not name or fold(name) == fold(site):
        return "", ""
    return name, site
