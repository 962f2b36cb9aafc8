"""The article in a file: its clean body, headline, date, byline, source and canonical URL.

Bodies are always made by archive.sanitize. What is given to it depends on the file:

- plain text, HTML fragments and e-mails saved as HTML (like the MSHTML ones mail clients
  write) are cleaned whole, so nothing the sender kept is lost;
- a full saved web page, recognised by its page furniture (navigation, headers and footers,
  sidebars, comment threads, adverts, forms), is first cut down to the article by trafilatura,
  which is built and benchmarked for exactly this; its output is then cleaned the same way.
  Should it find nothing, the whole page is cleaned instead, for the editor to trim.

Metadata comes from trafilatura's reader of JSON-LD, Open Graph, Twitter and Dublin Core tags,
``rel=canonical`` and bylines, which knows far more conventions than a hand-written one would.
Dates are read by archive.importing.dates, which keeps their precision (htmldate, which
trafilatura uses, always gives a day, and in seed 000 picks a date out of an image's address
over the page's own ``<time datetime>``).

A headline is the article's ``<h1>``, else its JSON-LD headline, ``og:title`` or ``<title>``
(never the site's own name). A file without one gets its first sentence-like line as a title,
marked `title_guessed` for an editor to review; plain text always does.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

import lxml.html
import trafilatura
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import escape
from lxml.etree import ParserError
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata

from archive import sanitize
from archive.importing import dates, emails, furniture, headlines, urls
from archive.importing.dates import PublishedDate
from archive.importing.decoding import looks_like_html
from archive.importing.furniture import FURNITURE_ELEMENTS, FURNITURE_WORDS, in_furniture
from archive.importing.outcomes import Refused
from archive.models import Article

# trafilatura and htmldate log every page they make nothing of as a warning or an error; for
# the importer that is an expected case it handles (and reports) itself.
for _library in ("trafilatura", "htmldate"):
    logging.getLogger(_library).setLevel(logging.CRITICAL)

# A URL standing alone on one of the opening lines is the article's address (e-mails and
# transcriptions often start with the link they were copied from).
URL_LINES = 6
_URL_LINE = re.compile(r"^https?://\S+$")
# A guessed title is the first line with at least this many words that is not a dateline or URL.
MIN_TITLE_WORDS = 2
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“'\"])")
_validate_url = URLValidator(schemes=["http", "https"])

TITLE_LENGTH = Article._meta.get_field("title").max_length
BYLINE_LENGTH = Article._meta.get_field("byline").max_length
SOURCE_LENGTH = Article._meta.get_field("source").max_length
URL_LENGTH = Article._meta.get_field("url").max_length
SENDER_LENGTH = 200


@dataclass(frozen=True)
class Extracted:
    body_html: str
    body_text: str
    title: str
    title_guessed: bool
    published: PublishedDate | None = None
    byline: str = ""
    source: str = ""
    url: str = ""
    standfirst: str = ""
    sender: str = ""  # an e-mail's From, for its provenance
    reposted_by: str = ""  # the site that reposted an article from another source
    source_candidates: tuple[str, ...] = ()  # other names and hosts the source may go by


# htmldate (through trafilatura's metadata) looks for dates back to this one; the archive holds
# older articles than its default of 1995.
_DATE_CONFIG = {"extensive_search": False, "original_date": True, "min_date": "1900-01-01"}


def extract(text: str, fmt: str, *, max_bytes: int | None = None, filename: str = "") -> Extracted:
    """The article in a decoded file ("html", "text" or "email"); Refused when nothing is left
    of it."""
    if fmt == "email":
        return _from_email(text, max_bytes=max_bytes)
    try:
        whole = sanitize.sanitize(text, fmt, max_bytes=max_bytes)
    except sanitize.SanitizeError as error:
        raise Refused(str(error)) from None
    if fmt == "html":
        extracted = _from_html(text, whole, max_bytes=max_bytes)
    else:
        extracted = _from_text(text, whole)
    if not extracted.body_text:
        raise Refused("no text left after cleaning")
    return extracted


def _from_email(text: str, *, max_bytes: int | None) -> Extracted:
    """A message: its body part as an article, titled by its subject unless the body has a
    headline of its own, dated by its Date header, its sender kept apart."""
    message = emails.parse(text)
    if not message.body.strip():
        raise Refused("the e-mail has no text")
    body_format = message.body_format
    if body_format == "text" and looks_like_html(message.body):  # HTML sent without its type
        body_format = "html"
    inner = extract(message.body, body_format, max_bytes=max_bytes)
    own_headline = body_format == "html" and not inner.title_guessed
    title = inner.title if own_headline or not message.subject else message.subject
    return replace(
        inner,
        title=_clip(title, TITLE_LENGTH),
        title_guessed=not (own_headline or message.subject),
        published=message.published or inner.published,
        sender=_clip(message.sender or inner.sender, SENDER_LENGTH),
    )


# A transcription's byline: a short paragraph of its own near the top, "By Jane Smith" or
# "By Jane Smith, Industrial Correspondent": a capitalised name of two to five words.
_BYLINE = re.compile(
    r"^By\s+((?:[A-Z][\w.'’-]+)(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|der|la|le)){1,4})"
    r"(?:\s*,\s*[^,]{1,60})?$"
)


def _byline_paragraph(body_html: str, body_text: str) -> tuple[str, str]:
    """The byline of a plain-text article and its body without it; ("", body) when none of
    its first four paragraphs is one."""
    for paragraph in body_text.split("\n\n")[:4]:
        match = _BYLINE.match(paragraph.strip()) if len(paragraph) <= 100 else None
        if match:
            element = f"<p>{escape(paragraph)}</p>"
            if element in body_html:
                return paragraph.strip()[3:].strip(), body_html.replace(element, "", 1)
    return "", body_html


def _from_text(text: str, whole: sanitize.Sanitized) -> Extracted:
    body_html = furniture.trim(whole.body_html)
    body_text = sanitize.html_to_text(body_html)
    byline, body_html = _byline_paragraph(body_html, body_text)
    if byline:  # kept in the original, as furniture is, and given its own field
        body_text = sanitize.html_to_text(body_html)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not byline or line != f"By {byline}"]
    source = headlines.posted_by(text) or headlines.host(_url_line(lines))
    return Extracted(
        body_html=body_html,
        body_text=body_text,
        byline=_clip(byline, BYLINE_LENGTH),
        title=_first_sentence_like(lines),
        title_guessed=True,
        published=dates.from_lines(lines) or dates.from_labelled_lines(lines),
        url=_url_line(lines),
        source=_clip(source, SOURCE_LENGTH),
        source_candidates=tuple(furniture.follow_names(text)),
    )


def _from_html(text: str, whole: sanitize.Sanitized, *, max_bytes: int | None) -> Extracted:
    tree = _parse(text)
    if tree is None:  # nothing lxml can read, though html5lib made something of it
        return _from_body(whole, published=None)
    sender = ""
    mail_dated = None
    subject = ""
    block = emails.header_block(tree)
    if block is not None:  # an e-mail saved as HTML: its header block is not its text
        element, headers = block
        element.drop_tree()
        whole = sanitize.sanitize(
            lxml.html.tostring(tree, encoding="unicode"), "html", max_bytes=max_bytes
        )
        sender = headers.get("from", "")
        subject = headers.get("subject", "")
        mail_dated = emails.parse_date(headers.get("date") or headers.get("sent", ""))
    metadata = extract_metadata(tree, extensive=False, date_config=dict(_DATE_CONFIG))
    sitename = (metadata.sitename or "").strip()
    h1 = _first_h1(tree)
    title, site_from_title = headlines.headline(tree, h1, (metadata.title or "").strip(), sitename)
    if subject and (not title or title == h1 == ""):
        title = subject
    article = _main_content(tree, title) if _is_full_page(tree) else None
    cleaned = article or whole
    whole_text = sanitize.html_to_text(whole.body_html)
    cleaned_text = whole_text if article is None else sanitize.html_to_text(article.body_html)
    url = metadata.url or ""
    source = headlines.source(tree, sitename, site_from_title, whole_text, url)
    original, reposted_by = headlines.original_source(whole_text, source)
    published = (
        mail_dated
        or dates.from_html(tree)
        or dates.from_lines(cleaned_text.split("\n\n"))
        or _confirmed(dates.parse_value(metadata.date or ""), text, tree)  # htmldate: URL, markup
        or dates.from_lines(whole_text.split("\n\n"))
        or dates.from_labelled_lines(whole_text.split("\n\n"))
    )
    extracted = _from_body(
        cleaned,
        cleaned_text=cleaned_text,
        published=published,
        headline=title or subject,
        byline=metadata.author or "",
        source=original or source,
        url=url,
        standfirst=_standfirst(tree) or (metadata.description or "" if article else ""),
    )
    return replace(
        extracted,
        sender=_clip(sender, SENDER_LENGTH),
        reposted_by=_clip(reposted_by, SOURCE_LENGTH),
        source_candidates=tuple(
            filter(
                None,
                [
                    sitename,
                    site_from_title,
                    headlines.host(url),
                    *furniture.follow_names(whole_text),
                ],
            )
        ),
    )


def _confirmed(found: PublishedDate | None, text: str, tree: HtmlElement) -> PublishedDate | None:
    """htmldate's date when the page writes it whole (2011-01-28, 2011/01/28, 20110128) outside
    its furniture: htmldate makes a day of a bad or partial value ("2011-02-30" gives
    2011-02-01), and takes dates from "most read" lists and comments."""
    if found is None:
        return None
    d = found.date
    for form in (f"{d:%Y-%m-%d}", f"{d:%Y/%m/%d}", f"{d:%Y%m%d}", f"{d:%Y.%m.%d}"):
        if form not in text:
            continue
        for element in tree.xpath(
            "//*[contains(@datetime, $f) or contains(@content, $f) or contains(@title, $f)"
            " or contains(@href, $f) or contains(text(), $f)]",
            f=form,
        ):
            if not in_furniture(element):
                return found
    return None


def _first_h1(tree: HtmlElement) -> str:
    """The text of the page's first h1 that is not the site's masthead."""
    first = ""
    for element in tree.iter("h1"):
        text = " ".join(element.text_content().split())
        if not text:
            continue
        if not headlines.in_masthead(element):
            return text
        first = first or text
    return first


def _from_body(
    cleaned: sanitize.Sanitized,
    *,
    cleaned_text: str | None = None,
    published: PublishedDate | None,
    headline: str = "",
    byline: str = "",
    source: str = "",
    url: str = "",
    standfirst: str = "",
) -> Extracted:
    untrimmed_text = (
        sanitize.html_to_text(cleaned.body_html) if cleaned_text is None else cleaned_text
    )
    untrimmed = untrimmed_text.split("\n\n")
    body_html = furniture.trim(cleaned.body_html)
    body_text = (
        untrimmed_text if body_html == cleaned.body_html else sanitize.html_to_text(body_html)
    )
    lines = body_text.split("\n\n")
    url = _checked_url(url) or _url_line(untrimmed)
    title = next(
        (
            t
            for t in (headline, cleaned.title)
            if t and t.casefold() != source.casefold() and not headlines.is_generic(t)
        ),
        "",
    )
    return Extracted(
        body_html=body_html,
        body_text=body_text,
        title=_clip(title, TITLE_LENGTH) or _first_sentence_like(lines),
        title_guessed=not title,
        published=published or dates.from_lines(untrimmed),
        byline=_clip(byline, BYLINE_LENGTH),
        source=_clip(source or headlines.host(url), SOURCE_LENGTH),
        url=url,
        standfirst=" ".join(standfirst.split()),
    )


# Class or id of the summary under a news headline (the Guardian's "stand-first", a "dek").
_STANDFIRST = re.compile(r"(?:^|[\s_-])(?:stand-?first|strap-?line|dek)(?:$|[\s_-])", re.I)


def _standfirst(tree: HtmlElement) -> str:
    """The text of the page's standfirst element, if it marks one."""
    for element in tree.xpath("//body//*[@class or @id]"):
        if _STANDFIRST.search(f"{element.get('class', '')} {element.get('id', '')}"):
            return element.text_content().strip()
    return ""


def _parse(text: str) -> HtmlElement | None:
    # MSHTML e-mails (seed 000) put no-break spaces between a tag's attributes, where lxml
    # then reads them as part of the tag's name; the sanitiser makes the same repair.
    try:
        return lxml.html.document_fromstring(text.replace("\xa0", " "))
    except (ParserError, ValueError):
        return None


def _is_full_page(tree: HtmlElement) -> bool:
    if tree.xpath(FURNITURE_ELEMENTS):
        return True
    return any(
        FURNITURE_WORDS.search(f"{element.get('class', '')} {element.get('id', '')}")
        for element in tree.xpath("//body//*[@class or @id]")
    )


def _main_content(tree: HtmlElement, headline: str) -> sanitize.Sanitized | None:
    """The article of a full page, cleaned, or None when trafilatura finds none.

    A first heading that only repeats the headline is left out of the body, as an <h1> is.
    """
    main = trafilatura.extract(
        tree,  # trafilatura works on a copy
        output_format="html",
        include_comments=False,
        include_images=False,
        include_links=True,
        include_tables=True,
        include_formatting=True,
    )
    if not main:
        return None
    cleaned = sanitize.sanitize(main, "html")
    body_html = cleaned.body_html
    heading = re.match(r"<(h[234])>(.*?)</\1>\n?", body_html, re.DOTALL)
    if not cleaned.title and heading and sanitize.html_to_text(heading.group(0)) == headline:
        body_html = body_html[heading.end() :]
    if not sanitize.html_to_text(body_html):
        return None
    return sanitize.Sanitized(title=cleaned.title, body_html=body_html)


def _first_sentence_like(lines: list[str]) -> str:
    """The first line that reads as words rather than a date, a URL or a fragment."""
    for line in lines:
        if _URL_LINE.match(line) or dates.starts_with_date(line):
            continue
        words = re.findall(r"[^\W\d_]{2,}", line)
        if len(words) >= MIN_TITLE_WORDS:
            sentence = _SENTENCE_END.split(line, maxsplit=1)[0]
            return _clip(sentence.removesuffix("."), TITLE_LENGTH)
    return _clip(lines[0], TITLE_LENGTH) if lines else "Untitled"


def _url_line(lines: list[str]) -> str:
    for line in lines[:URL_LINES]:
        if _URL_LINE.match(line):
            return _checked_url(line)
    return ""


def _checked_url(url: str) -> str:
    url = url.strip()
    if not url or len(url) > URL_LENGTH:
        return ""
    try:
        _validate_url(url)
    except ValidationError:
        return ""
    return urls.canonical(url)


def _clip(text: str, length: int) -> str:
    """Text cut to the field's length at a word, with an ellipsis when it was cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


def without_masthead(extracted: Extracted, masthead: str) -> Extracted:
    """A transcription that opens with its publication's name ("Morning Star", then the
    headline): that line is its source, not its guessed title, and leaves the body."""
    body_html = sanitize.without_leading_repeats(extracted.body_html, [masthead], most=1)
    if body_html == extracted.body_html:
        return extracted
    body_text = sanitize.html_to_text(body_html)
    return replace(
        extracted,
        body_html=body_html,
        body_text=body_text,
        title=_first_sentence_like(body_text.split("\n\n")),
    )
