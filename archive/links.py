"""Addresses of the archive's pages, reversed once per process instead of once per link.

A list page links twenty articles and dozens of facet values; django.urls.reverse costs tens of
microseconds a call (resolver lookups, quoting), which added up to a tenth of a page's time.
An address that takes only a slug is reversed once, with a marker in the slug's place, and the
slug is put in by string formatting: slugs are URL-safe by construction (SlugField), so there is
nothing to quote. The script prefix (a site served under a sub-path) is part of the key.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = "slug-placeholder"


def url(name: str, slug: str | None = None) -> str:
    """reverse(name) or reverse(name, kwargs={"slug": slug}), for a URL-safe slug."""
    if slug is None:
        return _reversed(name, False, get_script_prefix(), get_urlconf())
    template = _reversed(name, True, get_script_prefix(), get_urlconf())
    return template.replace(_MARKER, slug, 1)


@functools.lru_cache(maxsize=256)
def _reversed(name: str, with_slug: bool, prefix: str, urlconf) -> str:
    if with_slug:
        return reverse(name, kwargs={"slug": _MARKER}, urlconf=urlconf)
    return reverse(name, urlconf=urlconf)
