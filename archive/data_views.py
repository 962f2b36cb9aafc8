"""Views that take the archive away: downloads of a result set, citation files, robots.txt.

Thin, like views.py: result sets come from `results.article_results`, formats from
`export` and `citation`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import wraps

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive import citation, export
from archive.models import Article
from archive.results import (
    ResultSet,
    accessed_today,
    article_results,
    chunks,
    permanent_url,
    with_links,
)

CITATION_FORMATS = {
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "csl.json": ("application/vnd.citationstyles.csl+json", "csl.json"),
}


def _citations(results: ResultSet, request: HttpRequest, fmt: str) -> Iterator[str]:
    accessed = accessed_today()
    first = True
    if fmt == "csl.json":
        yield "[\n"
    for chunk in chunks(results):
        for article in chunk:
            url = permanent_url(article, request)
            if fmt == "ris":
                yield citation.ris(article, url, accessed) + "\r\n"
            elif fmt == "bib":
                yield citation.bibtex(article, url, accessed) + "\n\n"
            else:
                item = json.dumps(citation.csl(article, url, accessed), ensure_ascii=False)
                yield ("" if first else ",\n") + item
            first = False
    if fmt == "csl.json":
        yield "\n]\n"


@require_safe
def export_results(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """/articles/export.<fmt>?<the list's parameters>: the whole result set, streamed."""
    results = article_results(request.GET)
    if fmt in export.FORMATS:
        return export.response(results, request, fmt)
    if fmt not in CITATION_FORMATS:
        raise Http404(f"No download as “{fmt[:20]}”.")
    content_type, extension = CITATION_FORMATS[fmt]
    reply = StreamingHttpResponse(_citations(results, request, fmt), content_type=content_type)
    reply["Content-Disposition"] = f'attachment; filename="{export.filename(results, extension)}"'
    reply["X-Result-Count"] = str(results.count())
    reply["Access-Control-Allow-Origin"] = "*"
    return reply


@require_safe
def article_citation(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """/articles/<slug>/cite.<ris|bib|csl.json>: one published article's citation file."""
    if fmt not in CITATION_FORMATS:
        raise Http404(f"No citation as “{fmt[:20]}”.")
    article = get_object_or_404(with_links(Article.objects.published()), slug=slug)
    url = permanent_url(article, request)
    accessed = accessed_today()
    if fmt == "ris":
        body = citation.ris(article, url, accessed)
    elif fmt == "bib":
        body = citation.bibtex(article, url, accessed) + "\n"
    else:
        body = json.dumps([citation.csl(article, url, accessed)], ensure_ascii=False, indent=2)
    content_type, extension = CITATION_FORMATS[fmt]
    reply = HttpResponse(body, content_type=content_type)
    reply["Content-Disposition"] = f'attachment; filename="{article.slug[:80]}.{extension}"'
    reply["Access-Control-Allow-Origin"] = "*"
    return reply


# ?format= on the article list: where the same result set is in that format.
LIST_FORMATS = {
    "json": "api:article_list",
    "csv": "archive:export",
    "jsonl": "archive:export",
    "ris": "archive:export",
    "bib": "archive:export",
    "csl.json": "archive:export",
    "atom": "archive:feed",
}


def list_formats(view):
    """Let the article list answer `?format=csv` (json, jsonl, ris, bib, csl.json, atom) by
    sending the reader to the same result set in that format; HTML otherwise."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        fmt = request.GET.get("format", "")
        if fmt not in LIST_FORMATS:
            return view(request, *args, **kwargs)
        params = request.GET.copy()
        for name in ("format", "page"):
            params.pop(name, None)
        name = LIST_FORMATS[fmt]
        path = reverse(name, kwargs={"fmt": fmt}) if name == "archive:export" else reverse(name)
        query = params.urlencode()
        return HttpResponseRedirect(path + ("?" + query if query else ""))

    return wrapper


@require_safe
def data_page(request: HttpRequest) -> HttpResponse:
    """/data/: every way to take the archive's data away, in one page that needs no script."""
    number, _, period = settings.ARCHIVE_API_RATE.partition("/")
    unit = {"s": "second", "m": "minute", "h": "hour", "d": "day"}.get(period[:1], period)
    return render(request, "archive/data.html", {"api_rate": f"{number} requests a {unit}"})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /articles/export.",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
