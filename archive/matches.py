"""A search's matches as positions in the count index: read once, then kept.

The article list (listing.py) asks `found(index, query, notes)` for the matches of a reader's
search as positions in the count index (counts.py), which facets count and pages slice. They
come from the first of these that has them:

1. **the index itself.** When the worker rebuilds a large archive's index (never a reader's
   request, which may build one without them), the words in the most of its articles
   (estimated from a sample) are searched there and then (`prepare`), and their matches are
   stored with the index. Every worker of every app server loads them with it, so a
   reader's first search for "strike" or "union" reads no match from the database. Such a word
   is the costliest search there is: at 100,000 articles, reading and mapping its matches took
   25 ms on SQLite and 40 ms on PostgreSQL, once per worker and word. That cost made the first
   seconds after a restart slow (`make bench`'s mix of combinations);
2. **the search cache** ("search" in CACHES): any other search too broad to rank, kept per index
   and query, so narrowing it by a filter or a page does not search again;
3. **the database** (archive.search).

Only searches too broad to rank are kept: a ranked search needs its ranks, and is cheap (at most
search.RANK_LIMIT matches). A search cut short for time is never kept. What is kept belongs to
one index (its token): any write makes a new index, with its own.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches
from pyroaring import BitMap

from archive import search
from archive.models import Article
from archive.search.query import words as words_of

if TYPE_CHECKING:
    from archive.counts import ArticleIndex

logger = logging.getLogger(__name__)

# What a kept search holds: its positions (a serialised bitmap), what the search said of itself
# (not what parsing said of the words as typed: each query says that itself), and whether it is
# complete (not capped at search.MATCH_LIMIT).
Kept = tuple[bytes, tuple[str, ...], bool]

# The articles read to find the commonest words: evenly spread over the archive, newest to
# oldest. Four hundred tell a word in a fifth of the articles from one in a tenth.
SAMPLE = 400
# At most this much of an index goes to prepared searches (each worker holds them): a word in a
# few per cent of a million articles takes 40-130 KB.
MAX_BYTES = 16 * 2**20
# Common English words that make no search on their own: none of the prepared words' places go
# to them. They are still searched, as any other word, when a reader asks for one.
STOP_WORDS = frozenset(
    """a about after against all also an and any are as at be been before being but by can could
    did do does for from had has have he her here him his how i if in into is it its just more
    most my no not now of on one only or other our out over said says she so some such than that
    the their them then there these they this those through to too two up very was we were what
    when where which while who will with would you your""".split()
)


@dataclass(frozen=True)
class Found:
    positions: BitMap  # of the matches in the count index (published articles only)
    complete: bool
    ranked: search.Matched | None  # the match itself, when it has ranks


def found(index: ArticleIndex, query: search.SearchQuery, notes: list[str]) -> Found:
    """The matches of `query` in `index`: prepared with the index, kept, or read now (its notes
    join `notes`)."""
    key = search.match_key(query)
    kept = index.prepared.get(key)
    cache_key = f"search-positions:{index.token}:{key}"
    if kept is None and settings.ARCHIVE_SEARCH_MATCH_CACHE:
        kept = _cache().get(cache_key)
    if kept is not None:
        blob, said, complete = kept
        for note in (*query.notes, *said):
            if note not in notes:
                notes.append(note)
        return Found(BitMap.deserialize(blob), complete=complete, ranked=None)
    result, kept = _read(index, query, notes)
    if kept is not None and settings.ARCHIVE_SEARCH_MATCH_CACHE:
        _cache().set(cache_key, kept, settings.ARCHIVE_SEARCH_MATCH_CACHE_SECONDS)
    return result


def _read(
    index: ArticleIndex, query: search.SearchQuery, notes: list[str]
) -> tuple[Found, Kept | None]:
    """Search the database; with the result, what to keep of it (None: nothing)."""
    matched = search.matched(query, notes)
    positions = index.positions_of(matched.ids)
    if matched.ranks is not None:
        return Found(positions, complete=matched.complete, ranked=matched), None
    if matched.timed_out:
        return Found(positions, complete=matched.complete, ranked=None), None
    positions.run_optimize()
    said = tuple(note for note in matched.notes if note not in query.notes)
    kept = (positions.serialize(), said, matched.complete)
    return Found(positions, complete=matched.complete, ranked=None), kept


def _cache():
    """The cache of broad searches' matches: its own ("search", archive/settings.py), apart
    from the pages; the default one where the settings name no other."""
    return caches["search" if "search" in settings.CACHES else "default"]


# -- the commonest words, prepared with the index -----------------------------------------------


def prepare(index: ArticleIndex) -> dict[str, Kept]:
    """{match key: kept search} for the commonest words of a large archive, searched now, in
    at most ARCHIVE_COMMON_WORDS_SECONDS and MAX_BYTES. Called by the worker's rebuild of the
    index (counts.rebuild_current), never in a reader's request. Nothing for an archive of
    fewer than ARCHIVE_COMMON_WORDS_MIN_ARTICLES: its broadest search takes a few
    milliseconds. A failure is logged and ends the preparing: the index keeps what was made."""
    if index.n < max(settings.ARCHIVE_COMMON_WORDS_MIN_ARTICLES, 1):
        return {}
    started = time.monotonic()
    deadline = started + settings.ARCHIVE_COMMON_WORDS_SECONDS
    prepared: dict[str, Kept] = {}
    size = 0
    words: list[str] = []
    stopped = ""
    try:
        words = common_words(index, settings.ARCHIVE_COMMON_WORDS)
        for word in words:
            left = deadline - time.monotonic()
            if left <= 0 or size >= MAX_BYTES:
                stopped = "time" if left <= 0 else "size"
                break
            # Each word a search of its own. No reader waits for it: it may take the time left,
            # not only a reader's budget, which a slow moment (a cold disk, a busy machine)
            # would cut it off at, leaving the word's search to every worker's readers.
            search.new_request(budget_seconds=max(left, search.budget_milliseconds() / 1000))
            query = search.parse_query(word)
            _, kept = _read(index, query, [])
            if kept is not None:
                prepared[search.match_key(query)] = kept
                size += len(kept[0])
    except Exception:
        logger.exception("Count index: preparing the commonest words' searches failed")
    finally:
        search.new_request()
    logger.info(
        "Count index: prepared the searches of %d of %d common words in %.1f s%s",
        len(prepared),
        len(words),
        time.monotonic() - started,
        {"time": " (out of time)", "size": " (out of room)"}.get(stopped, ""),
    )
    return prepared


def common_words(index: ArticleIndex, limit: int) -> list[str]:
    """Up to `limit` words, most common first, that a sample of the published articles says
    are in more articles than a search ranks (search.RANK_LIMIT): the searches worth
    preparing. Stop words, numbers and words of fewer than three letters are left out."""
    if limit <= 0 or index.n <= search.RANK_LIMIT:
        return []
    step = max(1, index.n // SAMPLE)
    sample = [index.ids[position] for position in range(0, index.n, step)][:SAMPLE]
    rows = Article.objects.filter(id__in=sample).values_list(
        "title", "standfirst", "byline", "body_text"
    )
    in_articles: Counter[str] = Counter()
    for fields in rows.iterator():
        in_articles.update(set(words_of(" ".join(filter(None, fields)).lower())))
    # A word in more than this many of the sample is in more articles than a search ranks.
    needed = search.RANK_LIMIT * len(sample) / index.n
    chosen = [
        word
        for word, count in in_articles.most_common()
        if count > needed and len(word) > 2 and word not in STOP_WORDS and not word.isdigit()
    ]
    return chosen[:limit]
