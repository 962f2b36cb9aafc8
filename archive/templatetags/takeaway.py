"""URLs that take a list's articles away (feed, downloads, citations), for the page templates.

They carry the page's filter parameters only (not its page number), unvalidated: each target
reads them through the same filter set as the page, and says what it ignored.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from archive import links
from archive.results import LIST_PARAMETERS

register = template.Library()


def _params(query) -> str:
    pairs = [(name, value) for name in LIST_PARAMETERS for value in query.getlist(name)]
    return urlencode(pairs)


@register.simple_tag(takes_context=True)
def list_feed_url(context) -> str:
    """The Atom feed of the article list the request shows."""
    params = _params(context["request"].GET)
    return links.url("archive:feed") + ("?" + params if params else "")


@register.simple_tag(takes_context=True)
def list_export_url(context, fmt: str, **extra) -> str:
    """A download of the article list the request shows, as `fmt` (csv, json, ris...)."""
    params = _params(context["request"].GET)
    extra_params = urlencode([(k, v) for k, v in extra.items() if v])
    query = "&".join(p for p in (params, extra_params) if p)
    return links.url("archive:export", fmt=fmt) + ("?" + query if query else "")


@register.simple_tag(takes_context=True)
def list_permanent_url(context) -> str:
    """The absolute address of the result set the request shows (without its page number)."""
    request = context["request"]
    params = _params(request.GET)
    return request.build_absolute_uri(links.url("archive:article_list")) + (
        "?" + params if params else ""
    )


@register.filter
def feed_of(list_url: str) -> str:
    """The feed of an article list URL: "/articles/?person=x" -> "/articles/feed/?person=x"."""
    path, _, query = list_url.partition("?")
    return links.url("archive:feed") + ("?" + query if query else "")


@register.filter
def describe_chips(chips) -> str:
    """The active filters in words: "Articles: PCS, 2011", or "All articles"."""
    if not chips:
        return "All articles"
    return "Articles: " + ", ".join(
        f"“{chip.label}”" if chip.kind == "Search" else str(chip.label) for chip in chips
    )


@register.simple_tag(takes_context=True)
def permanent_url(context, obj) -> str:
    """The absolute permanent address of an article or entity (see results.permanent_url)."""
    from archive.results import permanent_url as url_of

    return url_of(obj, context["request"])


@register.filter
def highwire_date(article) -> str:
    """The date at its precision as Highwire tags want it: 2011/11/30, 2011/11 or 2011."""
    return article.date_iso.replace("-", "/")
