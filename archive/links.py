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

from django.urls import get_script_prefix, get_urlconf, reverse


def url(name: str, slug: str | None = None, **arguments: str) -> str:
    """reverse(name, kwargs=...) for URL-safe arguments (`slug`, or any named ones)."""
    if slug is not None:
        arguments["slug"] = slug
    names = tuple(sorted(arguments))
    address = _reversed(name, names, get_script_prefix(), get_urlconf())
    for argument in names:
        address = address.replace(_marker(argument), arguments[argument], 1)
    return address


def _marker(argument: str) -> str:
    return f"{argument}-placeholder"


@functools.lru_cache(maxsize=256)
def _reversed(name: str, arguments: tuple[str, ...], prefix: str, urlconf) -> str:
    return reverse(name, kwargs={a: _marker(a) for a in arguments}, urlconf=urlconf)
