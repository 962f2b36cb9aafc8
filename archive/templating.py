"""The Jinja2 environment of the reading room's public pages (settings.TEMPLATES).

The public pages (templates/ at the top level) are Jinja2 templates: Jinja2 compiles each one to
Python code once per process, and renders a list page's dozens of facet links and twenty
results several times faster than Django's engine, which was half of an uncached page's time.
The admin and the API's documentation page keep Django's templates (templates/admin,
templates/api), which this environment's loader refuses so that Django's engine finds them.

What the templates may call is here, one name each, with Django's meaning: `url()` (reversed
once per process, archive/links.py), `static()`, the takeaway URLs of a list, and the filters
Django's templates had (`date`, `pluralize`, a `default` for any empty value, `capfirst`...).
Values are escaped as in Django (autoescape); an unknown name or attribute renders as empty, as
Django's engine does, instead of failing the page.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlencode

import jinja2
from django.templatetags.static import static
from django.utils import dateformat, timezone, translation
from django.utils.text import capfirst

from archive import links

# Django's engine renders these (templates/admin, templates/api: the admin's and
# drf-spectacular's pages, which extend their libraries' Django templates).
DJANGO_TEMPLATE_PREFIXES = ("admin/", "api/")


class PublicPagesLoader(jinja2.FileSystemLoader):
    """The project's templates folder, without the templates Django's engine renders."""

    def get_source(self, environment, template):
        if template.startswith(DJANGO_TEMPLATE_PREFIXES):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


def url(name: str, **arguments) -> str:
    """Django's {% url %}: the address of a named page; arguments by name (slugs, formats)."""
    return links.url(name, **{key: str(value) for key, value in arguments.items()})


def _request(context):
    return context.get("request")


def _list_params(request) -> str:
    """The list's parameters of the request, encoded once per request (a list page's
    takeaway links ask for them ten times)."""
    from archive.results import LIST_PARAMETERS

    if request is None:
        return ""
    found = getattr(request, "_archive_list_params", None)
    if found is None:
        query = request.GET
        found = urlencode([(n, value) for n in LIST_PARAMETERS for value in query.getlist(n)])
        request._archive_list_params = found
    return found


@jinja2.pass_context
def list_feed_url(context) -> str:
    """The Atom feed of the article list the request shows."""
    params = _list_params(_request(context))
    return links.url("archive:feed") + ("?" + params if params else "")


@jinja2.pass_context
def list_export_url(context, fmt: str, **extra) -> str:
    """A download of the article list the request shows, as `fmt` (csv, json, ris...)."""
    params = _list_params(_request(context))
    extra_params = urlencode([(key, value) for key, value in extra.items() if value])
    query = "&".join(part for part in (params, extra_params) if part)
    return links.url("archive:export", fmt=fmt) + ("?" + query if query else "")


@jinja2.pass_context
def list_permanent_url(context) -> str:
    """The absolute address of the result set the request shows (without its page number)."""
    request = _request(context)
    params = _list_params(request)
    return request.build_absolute_uri(links.url("archive:article_list")) + (
        "?" + params if params else ""
    )


@jinja2.pass_context
def permanent_url(context, obj) -> str:
    """The absolute permanent address of an article or entity (see results.permanent_url)."""
    from archive.results import permanent_url as url_of

    return url_of(obj, _request(context))


def now(format_string: str) -> str:
    return dateformat.format(timezone.localtime(), format_string)


def date(value, format_string: str = "N j, Y") -> str:
    """Django's `date` filter: '' for no date. A day (not a moment) is formatted once per
    format and language: the timeline prints eighty, at ~20 us each."""
    if value in (None, ""):
        return ""
    if type(value) is dt.date:
        return _day(value, format_string, translation.get_language())
    return dateformat.format(timezone.template_localtime(value), format_string)


@functools.lru_cache(maxsize=4096)
def _day(value: dt.date, format_string: str, language: str | None) -> str:
    return dateformat.format(value, format_string)


def pluralize(value, suffixes: str = "s") -> str:
    """Django's `pluralize`: "s" (or the plural of "singular,plural") unless the value is 1."""
    singular, _, plural = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    try:
        one = float(value) == 1
    except (TypeError, ValueError):
        try:
            one = len(value) == 1
        except TypeError:
            one = False
    return singular if one else plural


def default(value, fallback=""):
    """Django's `default`: the fallback for any empty value (None, "", 0, [])."""
    if not value:  # an undefined name is empty too
        return fallback
    return value


def feed_of(list_url: str) -> str:
    """The feed of an article list URL: "/articles/?person=x" -> "/articles/feed/?person=x"."""
    _, _, query = str(list_url).partition("?")
    return links.url("archive:feed") + ("?" + query if query else "")


def describe_chips(chips) -> str:
    """The active filters in words: "Articles: PCS, 2011", or "All articles"."""
    if not chips:
        return "All articles"
    return "Articles: " + ", ".join(
        f"“{chip.label}”" if chip.kind == "Search" else str(chip.label) for chip in chips
    )


def highwire_date(article) -> str:
    """The date at its precision as Highwire tags want it: 2011/11/30, 2011/11 or 2011."""
    return article.date_iso.replace("-", "/")


def environment(**options) -> jinja2.Environment:
    """Called by Django's Jinja2 backend with the OPTIONS of settings.TEMPLATES."""
    # Django's backend sets Undefined (DebugUndefined with DEBUG); empty, as Django renders it.
    options["undefined"] = jinja2.ChainableUndefined
    # The backend's loader reads settings.TEMPLATES' DIRS; this one reads the same folders.
    options["loader"] = PublicPagesLoader(options["loader"].searchpath)
    env = jinja2.Environment(**options)  # noqa: S701 - Django's backend sets autoescape=True
    env.globals.update(
        url=url,
        # A static file's address (its hashed name) is fixed for the life of the process.
        static=functools.lru_cache(maxsize=64)(static),
        now=now,
        list_feed_url=list_feed_url,
        list_export_url=list_export_url,
        list_permanent_url=list_permanent_url,
        permanent_url=permanent_url,
    )
    env.filters.update(
        date=date,
        pluralize=pluralize,
        default=default,
        capfirst=capfirst,
        feed_of=feed_of,
        describe_chips=describe_chips,
        highwire_date=highwire_date,
    )
    return env
