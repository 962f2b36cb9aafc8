"""Addresses of the archive's pages, reversed once per process instead of once per link.

A list page links twenty articles and dozens of facet values; django.urls.reverse costs tens of
microseconds a call (resolver lookups, quoting), which added up to a tenth of a page's time.
An address is reversed once per URL name, with a marker in place of each argument, and the
arguments are put in by string replacement: they must be URL-safe as they are (slugs, which
SlugField makes so, and the downloads' format names), as there is nothing to quote. The script
prefix (a site served under a sub-path) and the URL conf are part of the key.
"""

from __future__ import annotations

import functools
import threading

from django.core.signals import request_finished, request_started
from django.urls import get_script_prefix, get_urlconf, reverse

# Within a request the script prefix and the URL conf stay as they are (nothing here sets
# request.urlconf), and reading them (asgiref locals) cost four fifths of a link: a request
# looks each address up once, by name, in its own memo.
_request = threading.local()


def url(name: str, slug: str | None = None, **arguments: str) -> str:
    """reverse(name, kwargs=...) for URL-safe arguments (`slug`, or any named ones)."""
    if slug is not None:
        arguments["slug"] = slug
    names = tuple(sorted(arguments))
    memo = getattr(_request, "memo", None)
    if memo is None:  # outside a request (a command, a test without the client)
        address = _reversed(name, names, get_script_prefix(), get_urlconf())
    elif (address := memo.get((name, names))) is None:
        address = _reversed(name, names, get_script_prefix(), get_urlconf())
        memo[name, names] = address
    for argument in names:
        address = address.replace(_marker(argument), arguments[argument], 1)
    return address


def _marker(argument: str) -> str:
    return f"{argument}-placeholder"


@functools.lru_cache(maxsize=256)
def _reversed(name: str, arguments: tuple[str, ...], prefix: str, urlconf) -> str:
    return reverse(name, kwargs={a: _marker(a) for a in arguments}, urlconf=urlconf)


def _request_started(**_kwargs) -> None:
    _request.memo = {}


def _request_finished(**_kwargs) -> None:
    _request.memo = None


request_started.connect(_request_started, dispatch_uid="archive.links.request_started")
request_finished.connect(_request_finished, dispatch_uid="archive.links.request_finished")
