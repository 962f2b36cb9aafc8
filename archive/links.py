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
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Within a request the script prefix and the URL conf stay as they are (nothing here sets
# request.urlconf), and reading them (asgiref locals) cost four fifths of a link: a request
# reads them once and looks each address up once, by name, in its own memo.
_request = threading.local()


def url(name: str, slug: str | None = None, **arguments: str) -> str:
    """reverse(name, kwargs=...) for URL-safe arguments (`slug`, or any named ones)."""
    if slug is not None:
        arguments["slug"] = slug
    names = tuple(sorted(arguments))
    address = _address(_reversed, name, names)
    for argument in names:
        address = address.replace(_marker(argument), arguments[argument], 1)
    return address


# An id no record reaches, of the most digits the permanent address takes (/a/<1-18 digits>/).
_ID_MARKER = "987654321987654321"


def permanent(prefix: str, pk: int) -> str:
    """The permanent address of a record: reverse("archive:permanent", kwargs={"prefix":
    prefix, "pk": pk}) for a prefix of the address's own ("a", "o", "p", "e")."""
    if pk is None:  # as reverse() refuses it
        raise NoReverseMatch("a record without an id has no permanent address")
    head, _, tail = _address(_reversed_permanent, prefix).rpartition(_ID_MARKER)
    return f"{head}{pk}{tail}"


def _address(reverser, *key):
    """`reverser(*key, script prefix, URL conf)`, through the request's memo."""
    memo = getattr(_request, "memo", None)
    if memo is None:  # outside a request (a command, a test without the client)
        return reverser(*key, get_script_prefix(), get_urlconf())
    address = memo.get((reverser, *key))
    if address is None:
        where = memo.get(_WHERE)
        if where is None:  # read once a request
            where = memo[_WHERE] = (get_script_prefix(), get_urlconf())
        address = memo[(reverser, *key)] = reverser(*key, *where)
    return address


_WHERE = object()  # the memo's key for the request's script prefix and URL conf


def _marker(argument: str) -> str:
    return f"{argument}-placeholder"


@functools.lru_cache(maxsize=256)
def _reversed(name: str, arguments: tuple[str, ...], prefix: str, urlconf) -> str:
    return reverse(name, kwargs={a: _marker(a) for a in arguments}, urlconf=urlconf)


@functools.lru_cache(maxsize=64)
def _reversed_permanent(prefix: str, script_prefix: str, urlconf) -> str:
    arguments = {"prefix": prefix, "pk": _ID_MARKER}
    return reverse("archive:permanent", kwargs=arguments, urlconf=urlconf)


def _request_started(**_kwargs) -> None:
    _request.memo = {}


def _request_finished(**_kwargs) -> None:
    _request.memo = None


request_started.connect(_request_started, dispatch_uid="archive.links.request_started")
request_finished.connect(_request_finished, dispatch_uid="archive.links.request_finished")
