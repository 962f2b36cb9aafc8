"""Whole public pages cached for anonymous readers.

A page is stored under its normalised URL (parameters in a fixed order, empty ones dropped),
marked with the archive's generation (counts.generation) it was made under, and served only
under that generation: any write anywhere (counts.invalidate) makes every server miss and
render afresh, and a reader never sees a page older than the last committed change. (For the
seconds a large archive's new count index takes to build in the background, its pages count
with the previous index, and are marked with that index's token too, so that none is served
once the new index is there.) The cache is Django's default cache: local memory per process
unless REDIS_URL names a Redis server shared by every app server; there one round trip fetches
the page and the generation's shared copy together, and a hit asks the database nothing.

Requests with a session cookie (editors, who may see drafts) are never served from it, and only
complete 200 responses that set no cookie are stored. ARCHIVE_PAGE_CACHE=0 turns it off.

A page is stored once this process has made it ARCHIVE_PAGE_CACHE_MIN_REQUESTS times (2) under
the same generation, as CDNs "cache on second request", and the cache is asked for a page only
from its second request in the process on: the long tail of filter combinations a reader or a
crawler asks for once would otherwise cost a store and a lookup each (a tenth to a quarter of
the time of a page made afresh: pickling 30 KB, and Redis round trips on a busy machine) and
push the pages readers come back to out of the cache. A popular page is made once more per
process and generation.
"""

from __future__ import annotations

import functools
import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from archive import announcements, counts
from archive.recent import RecentMap

IGNORED_PARAMETERS = ("utm_", "fbclid", "gclid")


def normalised_url(request: HttpRequest) -> str:
    """The path and its parameters sorted by name (values of one name keep their order)."""
    pairs = [
        (name, value)
        for name, values in sorted(request.GET.lists())
        if not name.startswith(IGNORED_PARAMETERS)
        for value in values
        if value.strip()
    ]
    return request.path + ("?" + urlencode(pairs) if pairs else "")


def _key(request: HttpRequest) -> str:
    """The URL's key. One entry per URL: the entry says which generation and index it was
    made under (see `for_readers`), so that, with Redis, one round trip fetches both the page
    and the generation's shared copy (counts.GENERATION_KEY)."""
    return "page:" + hashlib.sha256(normalised_url(request).encode()).hexdigest()


def _made_under() -> tuple[str, str]:
    """The generation, and the token of the index the page counts with: the same but while a
    large archive's index is being rebuilt, when the previous index's counts are used
    (counts.index). A page made under an older generation is never served (any write renews
    every page at once: an article withdrawn is gone from its page and from every list's
    rows), nor one counted with the previous index once the new index is there."""
    return counts.generation(), counts.index().token


def _readers_request(request: HttpRequest) -> bool:
    return (
        settings.ARCHIVE_PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


class _Copies(RecentMap):
    """Pages this process took from the cache or made, the most recently used kept: served
    only under the generation they were made under, like the cache's, and for no longer than
    ARCHIVE_PAGE_CACHE_SECONDS (a page's citation says when it was accessed)."""

    def __init__(self) -> None:
        super().__init__(lambda: settings.ARCHIVE_PAGE_COPIES)

    def get(self, key: str):
        with self.lock:
            kept = self.entries.get(key)
            if kept is None:
                return None
            if _now() - kept[0] >= settings.ARCHIVE_PAGE_CACHE_SECONDS:
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return kept[1]

    def keep(self, key: str, entry: tuple) -> None:
        self.put(key, (_now(), entry))


def _now() -> float:
    return time.monotonic()


_copies = _Copies()


class _Asked(RecentMap):
    """How many times this process made each page under its generation: the most recently
    made ARCHIVE_PAGE_CACHE_ASKED kept."""

    def __init__(self) -> None:
        super().__init__(lambda: settings.ARCHIVE_PAGE_CACHE_ASKED)

    def before(self, key: str, made_under: tuple[str, str]) -> bool:
        return (key, made_under) in self.entries

    def worth_storing(self, key: str, made_under: tuple[str, str]) -> bool:
        """Count this making of the page; True when it has been made often enough to store."""
        marker = (key, made_under)
        with self.lock:
            times = self.entries.get(marker, 0) + 1
            self.put_locked(marker, times)
        return times >= settings.ARCHIVE_PAGE_CACHE_MIN_REQUESTS


_asked = _Asked()


def _fetch(key: str):
    """The entry stored for the URL: this process's own copy when it is current, else the
    cache's. With a shared cache, the generation is the one this process heard announced
    (archive.announcements); when it cannot vouch for that, the generation's copy comes in
    the same round trip as the page (and is then the request's generation)."""
    shared = counts.shared_copy()
    if shared is not None:
        heard = announcements.heard(shared, counts.GENERATION_KEY)
        if heard is None:
            found = shared.get_many([key, counts.GENERATION_KEY])
            counts.adopt_generation(found.get(counts.GENERATION_KEY))
            return found.get(key)
        counts.adopt_generation(heard)  # the request's generation: not asked for again
    made_under = _made_under()
    entry = _copies.get(key)
    if entry is not None and entry[0] == made_under:
        return entry
    if settings.ARCHIVE_PAGE_CACHE_MIN_REQUESTS > 1 and not _asked.before(key, made_under):
        # Asked for here for the first time under this generation: made without a round trip
        # to the cache, which the long tail asked for once would pay for nothing (another
        # server's copy, if there is one, is used from the next request on).
        return None
    entry = cache.get(key)
    if entry is not None and entry[0] == made_under:
        _copies.keep(key, entry)
    return entry


def for_readers(view):
    """Serve the view's page from the cache to anonymous readers, and store it there."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with counts.request_scope():
            if not _readers_request(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            stored = _fetch(key)
            made_under = _made_under()
            if stored is not None and stored[0] == made_under:
                _, headers, content = stored
                response = HttpResponse(content, headers=headers)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if _storable(response) and _asked.worth_storing(key, made_under):
                entry = (made_under, dict(response.items()), response.content)
                cache.set(key, entry, settings.ARCHIVE_PAGE_CACHE_SECONDS)
                _copies.keep(key, entry)
            return response

    return wrapper
