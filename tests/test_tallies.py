"""Facet counts against the largest sets, counted once with the count index (`tally`): a page
of one union reads them instead of counting each facet against tens of thousands of articles,
and reads exactly what counting gives."""

import json
import random
import struct
from array import array

import pytest
from pyroaring import BitMap

from archive import counts


def _index(n: int = 50_000, seed: int = 8) -> counts.ArticleIndex:
    """An index of `n` articles with sets of many sizes in every tallied facet."""
    rnd = random.Random(seed)
    sizes = {
        "organisations": {1: 20_000, 2: 9_000, 3: 5_000, 4: 300},
        "people": {1: 6_000, 2: 1_000, 3: 0},
        "events": {1: 4_500},
        "source": {"BBC": 12_000, "Morning Star": 700},
        "year": {2010: 8_000, 2011: 30},
    }
    sets = {
        facet: {value: BitMap(rnd.sample(range(n), size)) for value, size in values.items()}
        for facet, values in sizes.items()
    }
    for values in sets.values():
        for members in values.values():
            members.run_optimize()
    return counts.ArticleIndex(
        token="t",
        ids=array("q", range(n)),
        neg_dates=array("i"),
        rank_of=array("i", range(n)),
        sets={"month": {}, "precision": {}, **sets},
    )


def _counted(index: counts.ArticleIndex, facet: str, base: BitMap) -> dict:
    return {v: n for v, m in index.sets[facet].items() if (n := base.intersection_cardinality(m))}


def test_the_largest_sets_are_tallied_and_their_counts_are_those_counted():
    index = _index()
    index.tally()
    # At least TALLY_MIN_ARTICLES (4,096) each: the 300-, 700-, 1,000- and 30-article sets not.
    assert set(index.tallies) == {
        ("organisations", 1),
        ("organisations", 2),
        ("organisations", 3),
        ("people", 1),
        ("events", 1),
        ("source", "BBC"),
        ("year", 2010),
    }
    for facet, value in index.tallies:
        base = BitMap(index.sets[facet][value])  # an equal set, as a page's filter makes one
        for counted in counts.TALLIED:
            assert index.counts(counted, base) == _counted(index, counted, base), counted
        assert index.counts("people", base, {2}) == {2: _counted(index, "people", base)[2]}


def test_a_tallied_sets_counts_are_read_not_counted():
    index = _index()
    index.tally()
    index.tallies[("organisations", 1)]["year"][0] = 12345  # 2010, as no count could be
    base = BitMap(index.sets["organisations"][1])
    assert index.counts("year", base)[2010] == 12345


def test_a_base_as_large_as_a_tallied_set_but_not_it_is_counted():
    index = _index()
    index.tally()
    tallied = index.sets["organisations"][1]
    other = BitMap(tallied)
    other.remove(tallied.min())
    other.add(next(i for i in range(index.n) if i not in tallied))
    assert len(other) == len(tallied)
    assert index.counts("people", other) == _counted(index, "people", other)


def test_a_large_archive_tallies_only_sets_of_its_share(monkeypatch):
    """At a million articles, a set of 4,096 is too small to be worth it: one in TALLY_SHARE."""
    monkeypatch.setattr(counts, "TALLY_SHARE", 5)  # 10,000 of 50,000 articles
    index = _index()
    index.tally()
    assert set(index.tallies) == {("organisations", 1), ("source", "BBC")}


def test_tallies_keep_to_their_size_the_largest_sets_first(monkeypatch):
    index = _index()
    width = sum(len(index.sets[facet]) for facet in counts.TALLIED)
    monkeypatch.setattr(counts, "TALLY_CELLS", width * 2 + 1)
    index.tally()
    assert set(index.tallies) == {("organisations", 1), ("source", "BBC")}


def test_tallies_are_stored_with_the_index_and_loaded_as_built():
    index = _index()
    index.tally()
    loaded = counts.ArticleIndex.loads(index.dumps())
    assert loaded.tallies == index.tallies
    base = BitMap(index.sets["organisations"][2])
    for counted in counts.TALLIED:
        assert loaded.counts(counted, base) == index.counts(counted, base)


def test_tallies_leave_the_stored_index_readable_by_an_older_release():
    """An older server reads the sections it knows and ignores what follows them."""
    index = _index()
    index.tally()
    blob = index.dumps()
    (size,) = struct.unpack_from("<I", blob)
    header = json.loads(blob[4 : 4 + size])
    assert {facet for facet, _, _ in header["sections"]} <= {*counts.FACETS, "array"}
    assert header["tallies"]
    del header["tallies"]  # as an older release reads it: its index counts the same
    head = json.dumps(header).encode()
    older = counts.ArticleIndex.loads(struct.pack("<I", len(head)) + head + blob[4 + size :])
    assert older.tallies == {}
    base = BitMap(index.sets["organisations"][1])
    assert older.counts("people", base) == index.counts("people", base)


@pytest.mark.django_db
def test_a_union_pages_facets_are_the_same_with_tallies_as_counted(
    client, articles, settings, monkeypatch
):
    settings.ARCHIVE_PAGE_CACHE = False
    url = "/articles/?union=pcs"

    def facets():
        response = client.get(url)
        shown = {f.name: [(v.value, v.count) for v in f.values] for f in response.context["facets"]}
        return shown, response.context["histogram"]

    monkeypatch.setattr(counts, "TALLY_MIN_ARTICLES", 10**9)
    counts.invalidate()
    counts.rebuild_current()  # as the worker does
    counted = facets()
    assert counts.index().tallies == {}
    monkeypatch.setattr(counts, "TALLY_MIN_ARTICLES", 1)
    counts.invalidate()
    counts.rebuild_current()
    read = facets()
    assert counts.index().tallies  # the union's set among them
    assert read == counted
    assert counted[0]["year"]  # the page shows counts at all


@pytest.mark.django_db
def test_a_readers_request_that_builds_the_index_tallies_nothing(
    client, articles, settings, monkeypatch
):
    """Tallying a large archive takes seconds: only the worker's rebuild does it."""
    settings.ARCHIVE_PAGE_CACHE = False
    monkeypatch.setattr(counts, "TALLY_MIN_ARTICLES", 1)
    counts.invalidate()
    assert client.get("/articles/?union=pcs").status_code == 200  # built in the request
    assert counts.index().tallies == {}
    counts.invalidate()  # the next write: the worker's rebuild tallies
    counts.rebuild_current()
    assert counts.index().tallies
