"""How to cite an article: a formatted reference and a BibTeX entry."""

from __future__ import annotations

import datetime as dt
import re

from archive.models import Article
from archive.results import links_of

_BIBTEX_SPECIAL = re.compile(r"([{}\\&%$#_^~])")


def _author(byline: str) -> str:
    """'Tony Reay' -> 'Reay, Tony'; anything else as written."""
    parts = byline.split()
    if len(parts) in (2, 3) and all(p[:1].isupper() for p in parts):
        return f"{parts[-1]}, {' '.join(parts[:-1])}"
    return byline


def reference(article: Article, archive_url: str, accessed: dt.date) -> str:
    """A reference in the author-title-source-date style most humanities guides accept."""
    pieces = []
    if article.byline:
        pieces.append(f"{_author(article.byline)}.")
    if article.title_supplied:
        # A title the archive's editors wrote is no part of the source: described, in brackets.
        pieces.append(f"{article.display_title}.")
    else:
        pieces.append(f"“{article.title.rstrip('.')}.”")
    where = ", ".join(p for p in (article.source, article.date_display) if p and p != "Undated")
    if where:
        pieces.append(f"{where}.")
    if article.url:
        pieces.append(f"{article.url}.")
    pieces.append(f"Reading Room archive, {archive_url} (accessed {accessed:%-d %B %Y}).")
    return " ".join(pieces)


def _escaped(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _verbatim_url(url: str) -> str:
    """A URL as BibTeX's url fields read it: verbatim, so only braces must go."""
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex(article: Article, archive_url: str, accessed: dt.date) -> str:
    # A title the archive's editors wrote is not the source's: it goes in a note, not `title`.
    fields = [] if article.title_supplied else [("title", _escaped(article.title))]
    notes = [f"Title supplied by the archive: {_escaped(article.display_title)}"] * bool(
        article.title_supplied
    )
    if article.byline:
        fields.append(("author", _escaped(_author(article.byline))))
    if article.source:
        fields.append(("journal", _escaped(article.source)))
    if article.published_date:
        fields.append(("year", str(article.published_date.year)))
        if article.date_precision != Article.Precision.YEAR:
            # A bare month macro (jan, feb...), which BibTeX styles print in full.
            fields.append(("month", f"{article.published_date:%b}".lower()))
        if article.date_precision == Article.Precision.DAY:
            fields.append(("day", str(article.published_date.day)))
    if article.url:
        fields.append(("url", _verbatim_url(article.url)))
        notes.append(f"Archived copy: \\url{{{_verbatim_url(archive_url)}}}")
    else:
        fields.append(("url", _verbatim_url(archive_url)))
    if notes:
        fields.append(("note", ". ".join(notes)))
    # An article in a publication, or (with no source) a web document in the archive.
    entry_type = "article" if article.source else "misc"
    if not article.source:
        fields.append(("howpublished", "Reading Room archive"))
    fields.append(("urldate", accessed.isoformat()))
    key = re.sub(r"[^a-z0-9]+", "", article.slug.lower())[:40] or f"article{article.pk}"
    year = article.published_date.year if article.published_date else "nd"
    lines = [f"@{entry_type}{{{key}{year},"]
    lines += [
        f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},"
        for name, value in fields
    ]
    lines.append("}")
    return "\n".join(lines)


# -- files for reference managers: RIS and CSL-JSON ------------------------------------------


def _name_parts(byline: str) -> tuple[str, str] | None:
    """'Tony Reay' -> ('Reay', 'Tony'); None when the byline is not plainly a person's name."""
    parts = byline.split()
    if len(parts) in (2, 3) and all(p[:1].isupper() for p in parts):
        return parts[-1], " ".join(parts[:-1])
    return None


def _keywords(article: Article) -> list[str]:
    """The names of what the article is about: its organisations, people and events."""
    return [link.name for links in links_of(article).values() for link in links]


def _ris_value(text: str) -> str:
    """One line: RIS has no escapes, so line breaks become spaces."""
    return " ".join(str(text).split())


def ris(article: Article, archive_url: str, accessed: dt.date) -> str:
    """A RIS record (Zotero, EndNote, Mendeley): a newspaper article, or a web page when the
    source is unknown. Links (organisations, people, events) must have been read."""
    # A title the archive's editors wrote is marked as theirs, in [square brackets].
    lines = [("TY", "NEWS" if article.source else "ELEC"), ("TI", article.display_title)]
    if article.byline:
        parts = _name_parts(article.byline)
        lines.append(("AU", f"{parts[0]}, {parts[1]}" if parts else article.byline))
    if article.source:
        lines.append(("T2", article.source))
    if article.published_date:
        d = article.published_date
        lines.append(("PY", f"{d.year:04d}"))
        if article.date_precision == Article.Precision.DAY:
            lines.append(("DA", f"{d.year:04d}/{d.month:02d}/{d.day:02d}/"))
        elif article.date_precision == Article.Precision.MONTH:
            lines.append(("DA", f"{d.year:04d}/{d.month:02d}//"))
    if article.standfirst and not article.standfirst_supplied:  # the source's summary only
        lines.append(("AB", article.standfirst))
    if article.url:
        lines.append(("UR", article.url))
    lines.append(("UR", archive_url))
    lines.append(("DB", "Reading Room"))
    lines.append(("N1", f"Archived copy: {archive_url}"))
    for name in _keywords(article):
        lines.append(("KW", name))
    lines.append(("Y2", accessed.isoformat()))
    lines.append(("ER", ""))
    return "\r\n".join(f"{tag}  - {_ris_value(value)}".rstrip() for tag, value in lines) + "\r\n"


def _date_parts(article: Article) -> list[int]:
    d = article.published_date
    if article.date_precision == Article.Precision.YEAR:
        return [d.year]
    if article.date_precision == Article.Precision.MONTH:
        return [d.year, d.month]
    return [d.year, d.month, d.day]


def csl(article: Article, archive_url: str, accessed: dt.date) -> dict:
    """A CSL-JSON item (citeproc, Zotero, Pandoc): links must have been read."""
    item: dict = {
        "id": f"readingroom-{article.pk}",
        "type": "article-newspaper" if article.source else "webpage",
        "title": article.display_title,
        "URL": article.url or archive_url,
        "archive": "Reading Room",
        "archive_location": archive_url,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    }
    if article.byline:
        parts = _name_parts(article.byline)
        item["author"] = [
            {"family": parts[0], "given": parts[1]} if parts else {"literal": article.byline}
        ]
    if article.source:
        item["container-title"] = article.source
    if article.published_date:
        item["issued"] = {"date-parts": [_date_parts(article)]}
    if article.standfirst and not article.standfirst_supplied:  # the source's summary only
        item["abstract"] = article.standfirst
    keywords = _keywords(article)
    if keywords:
        item["keyword"] = ", ".join(keywords)
    return item
