"""The reading room's count cache and its invalidation: the one module writers call.

Two things make the public pages cheap at any archive size:

- a **generation**, one token in the database (`CacheGeneration`) that every write replaces by
  calling `invalidate()`: the admin, the importer and the model signals in apps.py do. Every app
  server reads it once per request, so whatever was cached for the old token (whole pages in
  `page_cache`, the index below) is never used again, on any server, once the write commits;
- an **index** of the published articles (`ArticleIndex`), built once per generation: the
  articles in newest-first order, and for each organisation, person, event, source, year and
  month the set of their positions in that order as a compressed bitmap (pyroaring). A facet
  count is the size of an intersection of two bitmaps (microseconds, whatever the size of the
  archive); page N of any filtered list is the Nth slice of the filtered bitmap, so the last page
  costs what the first does. The index is stored in the database (`CountIndex`), so a restarted
  server loads it in milliseconds instead of rebuilding it.

After a write the index is rebuilt: a few queries over the articles and their link tables
(about half a second at 100,000 articles, seconds at a million). Who rebuilds it depends on the
size of the archive (`index()`):

- a small one (fewer articles than ARCHIVE_COUNT_INDEX_SYNC_LIMIT, rebuilt in well under 100
  ms) is rebuilt by the first request that needs it: counts are exact after every write;
- a large one is rebuilt by the worker (the task `rebuild_count_index`, run by `manage.py
  db_worker`), and until then readers are served from the newest index there is, stale by
  seconds: every count on a page still comes from that one index, and the page is cached under
  that index's token, not the new generation's (page_cache), so it is never served once the new
  index is there. One rebuild is asked for at a time, by whichever server first sees the new
  generation (`CacheGeneration.rebuild_requested_at`, claimed by a conditional UPDATE); it
  builds whatever generation is current when it starts, so an import's burst of writes makes
  one rebuild after another, not one per write. If the rebuild asked for has not happened
  within ARCHIVE_COUNT_INDEX_STALE_SECONDS (no worker running, or it failed), one request
  rebuilds it itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import logging
import struct
import threading
import time
import uuid
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from pyroaring import BitMap

from archive import announcements
from archive.models import Article, CacheGeneration, CountIndex, Event, Organisation, Person

logger = logging.getLogger(__name__)

_local = threading.local()
_lock = threading.Lock()
_latest: dict[str, ArticleIndex] = {}
UNREAD = object()  # when the generation came from the shared cache, not the database
# While a large archive's new index is being built: {database alias: (the generation, when this
# process last found no index stored for it)}, so a request looks again at most once a second
# instead of making one more query each.
_awaited: dict[str, tuple[str, float]] = {}
LOOK_AGAIN_SECONDS = 1.0

RELATIONS = ("organisations", "people", "events")
INITIAL_GENERATION = "initial"  # as migration 0005 creates it
UNSIGNED_MINUS_ONE = 2**32 - 1  # -1 in rank_of, read as an unsigned position
FACETS = ("source", "year", "month", "precision", *RELATIONS)  # the index's sets
# Counted against the largest sets when the index is built (`tally`): the facets and the
# histogram a page of one organisation, person, event, source or year shows.
TALLIED = ("source", "year", *RELATIONS)
TALLY_MIN_ARTICLES = 4096  # a smaller set is counted against in well under a millisecond
TALLY_SHARE = 256  # nor a set of fewer than one article in this many
TALLY_CELLS = 1_000_000  # counts kept at most (4 bytes each): the largest sets first


# -- the generation --------------------------------------------------------------------------


GENERATION_KEY = "archive:generation"  # the token's copy in a cache every server shares


def generation() -> str:
    """The current generation token: read once per request (see `request_scope`), on every
    call outside one. Where the app servers share a Redis cache, its copy of the token is
    read (a Redis GET is a fraction of a database round trip); the database is read when the
    copy is missing and inside a transaction, which may hold its own newer token."""
    token = getattr(_local, "token", None)
    if token is not None:
        return token
    shared = shared_copy()
    if shared is not None:
        # Heard from Redis's announcements without asking, or else asked.
        token = announcements.heard(shared, GENERATION_KEY) or shared.get(GENERATION_KEY)
    if token is None:
        token, _local.rebuild_requested_at = _stored_generation_row()
        if shared is not None:
            announcements.offer(shared, GENERATION_KEY, token)  # never over a newer copy
    else:
        _local.rebuild_requested_at = UNREAD  # read by index() only if it needs it
    if getattr(_local, "scoped", False):
        _local.token = token
    return token


def shared_copy():
    """The shared cache whose copy of the generation this code reads (Redis, outside a
    transaction, which may hold its own newer token), else None: read the database."""
    return None if connection.in_atomic_block else _shared_cache()


def adopt_generation(token: str | None) -> None:
    """Take `token`, just read from the shared cache's copy, as the request's generation (a
    caller that fetched it with something else in one round trip); None: not there."""
    if token is not None and getattr(_local, "scoped", False) and _local.token is None:
        _local.token = token
        _local.rebuild_requested_at = UNREAD


def _stored_generation() -> str:
    return _stored_generation_row()[0]


def _stored_generation_row() -> tuple[str, dt.datetime | None]:
    """The token in the database, and when a rebuild of the index was asked for (no query of
    its own for index())."""
    table = CacheGeneration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token, rebuild_requested_at FROM {table} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
    if row is None:
        CacheGeneration.objects.get_or_create(pk=1, defaults={"token": INITIAL_GENERATION})
        return INITIAL_GENERATION, None
    return row[0], _aware(row[1])


def _shared_cache():
    """The cache, when it is one every app server shares (Redis); None for per-process
    memory, which another server's write could not reach."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def _publish_generation() -> None:
    """After a write commits, copy the token to the shared cache: read back from the
    database, so that of two writes committed close together the later token wins whichever
    copy is made last."""
    shared = _shared_cache()
    if shared is not None:
        announcements.announce(shared, GENERATION_KEY, _stored_generation())


def _aware(value) -> dt.datetime | None:
    """A datetime read by a raw query: SQLite gives text or a naive datetime, in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


class request_scope:  # noqa: N801 - used as a context manager, like a function
    """Read the generation at most once while handling one request, and count with one index."""

    def __enter__(self):
        _local.scoped, _local.token, _local.index = True, None, None
        return self

    def __exit__(self, *exc) -> None:
        _local.scoped, _local.token, _local.index = False, None, None


def invalidate(**signal_kwargs) -> None:
    """Call after any change to articles, their links, organisations, people or events: every
    cached page and count made before it is dropped on every app server when it commits."""
    if not str(signal_kwargs.get("action", "post_")).startswith("post_"):
        return  # m2m_changed: only once the links have changed
    token = uuid.uuid4().hex
    table = CacheGeneration._meta.db_table
    with connection.cursor() as cursor:  # written as it is read: the ORM's update took longer
        cursor.execute(f"UPDATE {table} SET token = %s WHERE id = 1", [token])  # noqa: S608
        updated = cursor.rowcount
    if not updated:
        CacheGeneration.objects.update_or_create(pk=1, defaults={"token": token})
    _local.token = _local.index = None
    if _shared_cache() is not None:
        transaction.on_commit(_publish_generation)


# -- the index -------------------------------------------------------------------------------


@dataclass
class Entity:
    id: int
    slug: str
    name: str
    abbreviation: str = ""
    kind: str = ""
    year: int | None = None  # an event's start year

    @property
    def label(self) -> str:
        if self.year is not None:
            return f"{self.name} ({self.year})"
        return self.abbreviation or self.name

    @property
    def title(self) -> str:
        return self.name if self.abbreviation else ""

    @property
    def short_name(self) -> str:
        """As Organisation.short_name (the list's chips): a person's or an event's name."""
        return self.abbreviation or self.name


@dataclass
class ArticleIndex:
    """The published articles as positions 0..n-1, newest first (undated last), and bitmaps of
    positions for every value a reader can filter on."""

    token: str
    ids: array  # position -> article id
    neg_dates: array  # position -> minus the date's ordinal, ascending; dated positions only
    rank_of: array  # article id -> position, -1 when not published
    sets: dict[str, dict] = field(default_factory=dict)  # facet -> value -> BitMap
    entities: dict[str, dict[int, Entity]] = field(default_factory=dict)  # relation -> id -> ...
    # The commonest words' searches, made with the index: match key -> kept search (matches.py)
    prepared: dict[str, tuple[bytes, tuple[str, ...], bool]] = field(default_factory=dict)
    # Facet counts against the largest sets, made with the index (`tally`): {(facet, value):
    # {facet: array of counts, in the order of that facet's values in `sets`}}
    tallies: dict[tuple[str, object], dict[str, array]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.n = len(self.ids)
        self.n_dated = len(self.neg_dates)
        self.all = BitMap(range(self.n))
        self.undated = BitMap(range(self.n_dated, self.n))
        self.by_slug = {  # every relation, whatever the index was given
            relation: {e.slug: e for e in self.entities.get(relation, {}).values()}
            for relation in RELATIONS
        }
        self._find_tallies()

    def _find_tallies(self) -> None:
        """Each tallied set by its size, for `counts` to tell it from other bases at once."""
        self._tallied: dict[int, list[tuple[BitMap, dict[str, array]]]] = {}
        for (facet, value), table in self.tallies.items():
            members = self.sets[facet][value]
            self._tallied.setdefault(len(members), []).append((members, table))

    def tally(self) -> None:
        """Count every facet in TALLIED against each of the largest sets a reader can choose
        (those of at least TALLY_MIN_ARTICLES and one article in TALLY_SHARE, up to TALLY_CELLS
        counts): a page of one union then reads its counts instead of counting them, which at a
        million articles takes twice as long as at a hundred thousand."""
        least = max(TALLY_MIN_ARTICLES, self.n // TALLY_SHARE)
        chosen = sorted(
            (
                (len(members), facet, value)
                for facet in TALLIED
                for value, members in self.sets[facet].items()
                if len(members) >= least
            ),
            key=lambda row: -row[0],
        )
        width = sum(len(self.sets[facet]) for facet in TALLIED)
        tallies = {}
        for _, facet, value in chosen[: TALLY_CELLS // max(width, 1)]:
            base = self.sets[facet][value]
            tallies[(facet, value)] = {
                counted: array("I", map(base.intersection_cardinality, self.sets[counted].values()))
                for counted in TALLIED
            }
        self.tallies = tallies
        self._find_tallies()

    # sets of positions

    def any_of(self, facet: str, values: Iterable) -> BitMap:
        found = [self.sets[facet][v] for v in values if v in self.sets[facet]]
        return BitMap.union(*found) if found else BitMap()

    def entity_set(self, relation: str, slugs: Iterable[str]) -> BitMap:
        ids = [self.by_slug[relation][s].id for s in slugs if s in self.by_slug[relation]]
        return self.any_of(relation, ids)

    def span(self, start: dt.date | None, end: dt.date | None) -> BitMap:
        """Articles whose period overlaps [start, end], as filters.PeriodFilter defines it."""
        result = self.all
        if start is not None:
            prefix = self._up_to
            from_day = prefix(start)
            from_month = prefix(start.replace(day=1)) & self.sets["precision"].get(
                "month", BitMap()
            )
            from_year = prefix(start.replace(month=1, day=1)) & self.sets["precision"].get(
                "year", BitMap()
            )
            result = from_day | from_month | from_year
        if end is not None:
            first = bisect.bisect_left(self.neg_dates, -end.toordinal())
            result = result & BitMap(range(first, self.n_dated))
        return result

    def _up_to(self, day: dt.date) -> BitMap:
        """Positions dated on or after `day` (a prefix of the newest-first order)."""
        return BitMap(range(0, bisect.bisect_right(self.neg_dates, -day.toordinal())))

    @functools.cached_property
    def _published_ids(self) -> BitMap | None:
        """The published articles' ids as a bitmap (None if an id is beyond 32 bits)."""
        try:
            return BitMap(self.ids.tolist())
        except (OverflowError, ValueError):
            return None

    def positions_of(self, article_ids: list[int]) -> BitMap:
        """The positions of the published articles among these ids (a search's matches)."""
        rank_of, size = self.rank_of, len(self.rank_of)
        if not article_ids:
            return BitMap()
        if len(article_ids) * 2 > self.n and self._published_ids is not None:
            # A word in most articles: map the few published articles it misses instead, and
            # take them from all (a millisecond where mapping each match took eight).
            try:
                matched = BitMap(article_ids)
            except (OverflowError, ValueError):  # an id beyond 32 bits, or negative
                matched = None
            if matched is not None:
                missing = self._published_ids - matched
                return self.all - BitMap([rank_of[i] for i in missing])
        if min(article_ids) < 0 or max(article_ids) >= size:
            article_ids = [i for i in article_ids if 0 <= i < size]  # added since the build
            if not article_ids:
                return BitMap()
        # Gathered in C (itemgetter), then read as unsigned: an unpublished article's -1
        # becomes 2**32 - 1, dropped after. A hundred thousand ids take a few milliseconds.
        found = itemgetter(*article_ids)(rank_of)
        gathered = array("i", found if len(article_ids) > 1 else (found,))
        positions = array("I")
        positions.frombytes(gathered.tobytes())
        members = BitMap(positions)
        members.discard(UNSIGNED_MINUS_ONE)
        return members

    def position_of(self, article_id: int) -> int:
        return self.rank_of[article_id] if 0 <= article_id < len(self.rank_of) else -1

    def count_of(self, relation: str, entity_id: int) -> int:
        members = self.sets[relation].get(entity_id)
        return len(members) if members is not None else 0

    # reading a set

    def newest(self, positions: BitMap, offset: int, limit: int) -> list[int]:
        """Article ids of positions[offset:offset + limit], newest first."""
        return [self.ids[r] for r in positions[offset : offset + limit]]

    def oldest(self, positions: BitMap, offset: int, limit: int) -> list[int]:
        """Article ids at offset..offset+limit in oldest-first order, undated last (oldest
        first is newest first reversed, apart from the undated, which stay at the end)."""
        dated = positions & BitMap(range(self.n_dated))
        undated = positions - dated
        result = []
        for i in range(offset, min(offset + limit, len(positions))):
            if i < len(dated):
                result.append(self.ids[dated[len(dated) - 1 - i]])
            else:
                j = i - len(dated)
                result.append(self.ids[undated[len(undated) - 1 - j]])
        return result

    def counts(self, facet: str, base: BitMap, values: Iterable | None = None) -> dict:
        """{value: articles of `base` with it} for the values of `facet` in `base` at all."""
        whole = base is self.all
        if values is not None and not isinstance(values, set | frozenset):
            values = set(values)  # (read once, looked up often)
        if not whole and facet in TALLIED:
            for members, table in self._tallied.get(len(base), ()):
                if members == base:
                    return {
                        value: n
                        for value, n in zip(self.sets[facet], table[facet], strict=True)
                        if n and (values is None or value in values)
                    }
        # A base of a few thousand articles in every 65,536 (one union of thirty) is held as
        # sorted arrays, and intersecting two arrays walks both. The articles outside it fill
        # bitsets, in which each member of a value's set is one lookup: counted against
        # those, a million-article archive's facets take half the time. A base of nearly
        # every article (a search for a common word) leaves a few outside: counted against
        # those, its facets take a sixth of the time.
        per_block = len(base) * 65536 // max(self.n, 1)
        outside = 256 < per_block < 4096 or per_block > 65536 - 4096
        rest = self.all - base if not whole and outside else None
        found = {}
        chosen = self.sets[facet]
        if values is not None:  # (a year's twelve months of all the years' months)
            chosen = {value: chosen[value] for value in values if value in chosen}
        for value, members in chosen.items():
            if whole:
                n = len(members)
            elif rest is not None:  # every set holds positions of `all` only
                n = len(members) - rest.intersection_cardinality(members)
            else:
                n = base.intersection_cardinality(members)
            if n:
                found[value] = n
        return found

    def related(self, links: dict[str, list[int]], exclude: int, limit: int) -> list[int]:
        """Ids of up to `limit` articles sharing most links with these, newest first among
        equals (the links are {relation: [entity ids]}; `exclude` is an article id)."""
        sets = [self.sets[r][i] for r, ids in links.items() for i in ids if i in self.sets[r]]
        if not sets:
            return []
        # at_least[c]: the articles with at least c of the links
        at_least = [self.all] + [BitMap() for _ in sets]
        for members in sets:
            for c in range(len(sets), 0, -1):
                at_least[c] = at_least[c] | (at_least[c - 1] & members)
        own = self.position_of(exclude)
        chosen: list[int] = []
        taken = BitMap([own]) if own >= 0 else BitMap()
        for c in range(len(sets), 0, -1):
            candidates = at_least[c] - taken
            for r in candidates[: limit - len(chosen)]:
                chosen.append(self.ids[r])
            taken |= candidates
            if len(chosen) >= limit:
                break
        return chosen

    # storage

    def dumps(self) -> bytes:
        parts: list[bytes] = []
        sections = []
        for facet, values in self.sets.items():
            for value, members in values.items():
                data = members.serialize()
                sections.append([facet, value, len(data)])
                parts.append(data)
        for arr in (self.ids, self.neg_dates, self.rank_of):
            data = arr.tobytes()
            sections.append(["array", arr.typecode, len(data)])
            parts.append(data)
        # The prepared searches after every section, under a key of their own: a server of an
        # older release reads the index as before and ignores them (a rolling upgrade).
        prepared = []
        for key, (data, notes, complete) in self.prepared.items():
            prepared.append([key, list(notes), complete, len(data)])
            parts.append(data)
        # The tallies likewise: [facet, value, [counted facet, bytes], ...] each.
        tallies = []
        for (facet, value), table in self.tallies.items():
            rows = [[counted, len(row) * row.itemsize] for counted, row in table.items()]
            tallies.append([facet, value, rows])
            parts.extend(row.tobytes() for row in table.values())
        header = {
            "token": self.token,
            "sections": sections,
            "prepared": prepared,
            "tallies": tallies,
            "entities": {
                relation: [list(vars(e).values()) for e in entities.values()]
                for relation, entities in self.entities.items()
            },
        }
        head = json.dumps(header, separators=(",", ":")).encode()
        return struct.pack("<I", len(head)) + head + b"".join(parts)

    @classmethod
    def loads(cls, blob: bytes) -> ArticleIndex:
        (size,) = struct.unpack_from("<I", blob)
        header = json.loads(blob[4 : 4 + size])
        offset = 4 + size
        sets: dict[str, dict] = {facet: {} for facet in FACETS}
        arrays = []
        for facet, value, length in header["sections"]:
            chunk = blob[offset : offset + length]
            offset += length
            if facet == "array":
                arrays.append(array(value, chunk))
            else:
                key = tuple(value) if facet == "month" else value
                sets.setdefault(facet, {})[key] = BitMap.deserialize(chunk)
        entities = {
            relation: {row[0]: Entity(*row) for row in rows}
            for relation, rows in header["entities"].items()
        }
        prepared = {}
        for key, notes, complete, length in header.get("prepared", ()):
            prepared[key] = (blob[offset : offset + length], tuple(notes), complete)
            offset += length
        tallies = {}
        for facet, value, rows in header.get("tallies", ()):
            table = {}
            for counted, length in rows:
                table[counted] = array("I", blob[offset : offset + length])
                offset += length
            tallies[(facet, value)] = table  # (months are not tallied: no tuple keys)
        ids, neg_dates, rank_of = arrays
        return cls(header["token"], ids, neg_dates, rank_of, sets, entities, prepared, tallies)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def build(token: str) -> ArticleIndex:
    """Read the published articles and their links (one query per table) into an index."""
    rows = (
        Article.objects.published()
        .newest_first()
        .values_list("id", "published_date", "date_precision", "source", "year", "month")
    )
    sql, params = rows.query.sql_with_params()
    ids, neg_dates = array("q"), array("i")
    members: dict[str, dict] = {facet: {} for facet in FACETS}

    def add(facet: str, value, position: int) -> None:
        members[facet].setdefault(value, []).append(position)

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for position, (pk, date, precision, source, year, month) in enumerate(cursor):
            ids.append(pk)
            date = _date(date)
            if date is not None:
                neg_dates.append(-date.toordinal())
            if source:
                add("source", source, position)
            if year is not None:
                add("year", year, position)
                if month is not None:
                    add("month", (year, month), position)
            if precision != Article.Precision.DAY:
                add("precision", precision, position)
        rank_of = array("i", [-1]) * ((max(ids) + 1) if ids else 0)
        for position, pk in enumerate(ids):
            rank_of[pk] = position
        for relation in RELATIONS:
            through = getattr(Article, relation).through
            target = getattr(Article, relation).field.m2m_reverse_name()
            cursor.execute(
                f"SELECT article_id, {target} FROM {through._meta.db_table}"  # noqa: S608
            )
            found = members[relation]
            size = len(rank_of)
            for article_id, entity_id in cursor:
                if article_id < size:
                    position = rank_of[article_id]
                    if position >= 0:
                        found.setdefault(entity_id, []).append(position)
    sets = {
        facet: {value: _bitmap(positions) for value, positions in values.items()}
        for facet, values in members.items()
    }
    entities = {
        "organisations": {
            o[0]: Entity(*o)
            for o in Organisation.objects.values_list("id", "slug", "name", "abbreviation", "kind")
        },
        "people": {p[0]: Entity(*p) for p in Person.objects.values_list("id", "slug", "name")},
        "events": {
            e[0]: Entity(e[0], e[1], e[2], year=_date(e[3]).year)
            for e in Event.objects.values_list("id", "slug", "name", "start_date")
        },
    }
    return ArticleIndex(token, ids, neg_dates, rank_of, sets, entities)


def _bitmap(positions: list[int]) -> BitMap:
    members = BitMap(positions)
    members.run_optimize()
    return members


def index() -> ArticleIndex:
    """The index to count with: the same one for the whole of a request (`request_scope`)."""
    pinned = getattr(_local, "index", None)
    if pinned is not None:
        return pinned
    chosen = _index()
    if getattr(_local, "scoped", False):
        _local.index = chosen
    return chosen


def _index() -> ArticleIndex:
    """The index of the current generation: this process's copy, else the stored one. Else, for
    a small archive, a new one (built, then stored for the other app servers); for a large one,
    the newest there is, while the worker builds the new one (see the module's docstring)."""
    token = generation()
    current = _latest.get(connection.alias)
    if current is not None and current.token == token:
        return current
    with _lock:
        alias = connection.alias
        current = _latest.get(alias)
        if current is not None and current.token == token:
            return current
        awaited = _awaited.get(alias)
        looked_lately = (
            current is not None
            and awaited is not None
            and awaited[0] == token
            and time.monotonic() - awaited[1] < LOOK_AGAIN_SECONDS
        )
        if not looked_lately:
            stored = _load(CountIndex.objects.filter(generation=token))
            if stored is not None:
                _latest[alias] = stored
                return stored
            _awaited[alias] = (token, time.monotonic())
        previous = current or _load(CountIndex.objects.order_by("-built_at", "-pk"))
        if previous is None or previous.n < settings.ARCHIVE_COUNT_INDEX_SYNC_LIMIT:
            return _rebuild(token)
        _latest[alias] = previous
        taken_over = _rebuild_overdue()
        if taken_over is None:
            return previous
        logger.warning("Count index: not rebuilt within the time allowed; rebuilding it now")
        built = _rebuild(token)
        _rebuild_done(taken_over)
        return built


def load_stored() -> ArticleIndex | None:
    """Load the stored index of the current generation, else the newest stored one, into this
    process, without building or asking for a build: for warming a server up before it takes
    requests (a build there, seconds on a large archive, would hold the whole server back; the
    first request that needs a newer index deals with it as `index()` does)."""
    found = _load(CountIndex.objects.filter(generation=generation()))
    if found is None:
        found = _load(CountIndex.objects.order_by("-built_at", "-pk"))
    if found is not None:
        _latest[connection.alias] = found
        found._published_ids  # noqa: B018 - once, before the fork, not in every worker's search
    return found


def _load(rows) -> ArticleIndex | None:
    """The stored index, or None when there is none or it cannot be read (written by another
    release in a form this one does not know): then it is built again, as if missing."""
    blob = next(iter(rows.values_list("data", flat=True)[:1]), None)
    if blob is None:
        return None
    try:
        return ArticleIndex.loads(bytes(blob))
    except (ValueError, TypeError, KeyError, IndexError, struct.error):
        logger.warning("Count index: the stored index cannot be read; building it again")
        return None


def _rebuild(token: str) -> ArticleIndex:
    """Built in a reader's request: without the tallies and the commonest words' searches,
    which could take seconds (the worker's rebuild after the next write makes them)."""
    built = build(token)
    _store(built)
    _latest[connection.alias] = built
    return built


def _rebuild_overdue() -> dt.datetime | None:
    """Ask for one rebuild in the background if none is asked for yet (on any server). When the
    one asked for is overdue, take it over: return the time it is now marked with."""
    requested = getattr(_local, "rebuild_requested_at", UNREAD)
    now = timezone.now()
    rows = CacheGeneration.objects.filter(pk=1)
    if requested is UNREAD:
        requested = rows.values_list("rebuild_requested_at", flat=True).first()
    if requested is None:
        if rows.filter(rebuild_requested_at__isnull=True).update(rebuild_requested_at=now):
            _local.rebuild_requested_at = now
            _enqueue_rebuild()
        return None
    if now - requested < dt.timedelta(seconds=settings.ARCHIVE_COUNT_INDEX_STALE_SECONDS):
        return None
    # Overdue: the one request that moves the time on rebuilds; the others keep serving.
    if rows.filter(rebuild_requested_at=requested).update(rebuild_requested_at=now):
        return now
    return None


def _rebuild_done(requested: dt.datetime | None = None) -> None:
    """Let the next rebuild be asked for (unless another was asked for since `requested`)."""
    rows = CacheGeneration.objects.filter(pk=1)
    if requested is not None:
        rows = rows.filter(rebuild_requested_at=requested)
    rows.update(rebuild_requested_at=None)


def _enqueue_rebuild() -> None:
    from archive.tasks import rebuild_count_index

    try:
        rebuild_count_index.enqueue()
    except Exception:  # noqa: BLE001 - the reader is served; the overdue rebuild is the net
        logger.exception("Count index: could not queue its rebuild")


def rebuild_current() -> str:
    """Build and store the index of the generation current now, unless it is stored already;
    then let the next rebuild be asked for. The worker's task (tasks.rebuild_count_index)."""
    _local.token = None
    token = generation()  # read first: writes during the build make a later generation
    if not CountIndex.objects.filter(generation=token).exists():
        from archive import matches  # which reads searches with this module's index

        built = build(token)
        built.tally()  # these two here only: never in a reader's request (seconds at 1M)
        built.prepared = matches.prepare(built)
        _store(built)
    _rebuild_done()
    _awaited.clear()  # a server running it itself (tests, the immediate backend) looks at once
    return token


def _store(built: ArticleIndex) -> None:
    try:
        with transaction.atomic():
            CountIndex.objects.exclude(generation=built.token).delete()
            CountIndex.objects.create(generation=built.token, data=built.dumps())
    except IntegrityError:
        pass  # another app server stored the same generation first
