"""The count index: stored in the database for the generation it was built for, loaded as it was
built by a server that did not build it, and rebuilt after any write."""

import datetime as dt

import pytest

from archive import counts
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def _results(response) -> set[str]:
    return {article.slug for article, _ in response.context["results"]}


@pytest.fixture
def dated(pcs, serwotka, n30):
    make_article(title="Day", slug="day", published_date=dt.date(2011, 11, 30), organisations=[pcs])
    make_article(title="Undated", slug="undated", published_date=None, people=[serwotka])
    make_article(
        title="Old", slug="old", published_date=dt.date(1984, 3, 5), events=[n30], source="BBC"
    )


def _as_another_server():
    """Forget this process's copy, as a newly started app server has none."""
    counts._latest.clear()


def test_a_server_that_did_not_build_the_index_loads_the_stored_one(client, dated, settings):
    settings.ARCHIVE_PAGE_CACHE = False
    built = client.get("/articles/?from=1990&sort=oldest")
    stored = counts.CountIndex.objects.get(generation=counts.generation())
    _as_another_server()
    loaded = client.get("/articles/?from=1990&sort=oldest")
    assert counts.CountIndex.objects.get().pk == stored.pk  # loaded, not rebuilt
    assert _results(loaded) == _results(built) == {"day"}
    for url in ["/articles/?to=1990", "/articles/?person=mark-serwotka", "/articles/?source=BBC"]:
        before = _results(client.get(url))
        _as_another_server()
        assert _results(client.get(url)) == before


def test_a_loaded_index_counts_exactly_as_the_built_one(dated):
    built = counts.build("x")
    loaded = counts.ArticleIndex.loads(built.dumps())
    assert list(loaded.ids) == list(built.ids)
    assert list(loaded.neg_dates) == list(built.neg_dates)
    for facet in counts.FACETS:
        assert loaded.sets[facet] == built.sets[facet]
    assert loaded.entities == built.entities


def test_the_index_is_rebuilt_after_a_write_and_only_the_newest_is_kept(client, dated, pcs):
    client.get("/articles/")
    first = counts.generation()
    make_article(title="New", slug="new", published_date=dt.date(2020, 1, 1), organisations=[pcs])
    assert counts.generation() != first
    assert "new" in _results(client.get("/articles/?union=pcs"))
    assert list(counts.CountIndex.objects.values_list("generation", flat=True)) == [
        counts.generation()
    ]


def test_oldest_first_and_newest_first_page_through_every_article_once(client, pcs, settings):
    settings.ARCHIVE_PAGE_CACHE = False
    for i in range(45):
        make_article(
            title=f"A {i}",
            slug=f"a-{i}",
            published_date=dt.date(2000 + i % 7, 1, 1) if i % 9 else None,
            organisations=[pcs],
        )
    for sort in ("newest", "oldest"):
        seen = []
        for page in (1, 2, 3):
            response = client.get(f"/articles/?union=pcs&sort={sort}&page={page}")
            seen += [a for a, _ in response.context["results"]]
        assert len({a.pk for a in seen}) == 45
        dated = [a.published_date for a in seen if a.published_date]
        assert dated == sorted(dated, reverse=sort == "newest")
        assert all(a.published_date is None for a in seen[len(dated) :])


def test_an_article_unpublished_behind_the_index_is_never_listed(client, dated, settings):
    settings.ARCHIVE_PAGE_CACHE = False
    client.get("/articles/")
    # A bulk update sends no signal: the index still holds the article, the list must not.
    counts.Article.objects.filter(slug="day").update(status="draft")
    assert "day" not in _results(client.get("/articles/"))
    assert "day" not in {a.slug for a in client.get("/").context["latest"]}


@pytest.mark.django_db
def test_a_search_matching_most_articles_maps_to_the_same_positions_as_one_matching_few(pcs):
    """A broad match is mapped by the published articles it misses; a narrow one article by
    article: the two ways give the same positions, drafts and unknown ids left out."""
    from archive.models import Article

    published = [make_article(title=f"P{n}", slug=f"p{n}") for n in range(12)]
    drafts = [
        make_article(title=f"D{n}", slug=f"d{n}", status=Article.Status.DRAFT) for n in range(3)
    ]
    index = counts.index()
    expected = {index.position_of(a.pk) for a in published}
    assert -1 not in expected
    for chosen in (published, published[:9], published[:3], published[:1]):
        ids = [a.pk for a in [*chosen, *drafts]] + [10**7]  # one added since the index
        want = {index.position_of(a.pk) for a in chosen}
        assert set(index.positions_of(ids)) == want  # 9 of 12: mapped by the 3 it misses
    assert set(index.positions_of([a.pk for a in published])) == expected
    assert set(index.positions_of([2**40, *[a.pk for a in published]])) == expected  # 64-bit


def test_facet_counts_are_the_same_whichever_way_the_intersection_is_taken():
    """A base of a few thousand articles in every 65,536, or of nearly every article, is
    counted against the articles outside it: the counts must be what intersecting with the
    base gives."""
    import random
    from array import array

    from pyroaring import BitMap

    rnd = random.Random(8)
    n = 200_000
    sets = {
        value: BitMap(rnd.sample(range(n), size))
        for value, size in (("big", 60_000), ("mid", 9_000), ("small", 300), ("none", 0))
    }
    index = counts.ArticleIndex(
        token="t",
        ids=array("q", range(n)),
        neg_dates=array("q"),
        rank_of=array("q", range(n)),
        sets={"people": sets},
    )
    # under, inside and over the band of a few thousand; nearly all (a common word's search)
    for size in (500, 9_000, 12_000, 40_000, 150_000, 190_000, 199_990):
        base = BitMap(rnd.sample(range(n), size))
        base.run_optimize()
        expected = {v: len(base & s) for v, s in sets.items() if len(base & s)}
        assert index.counts("people", base) == expected
        assert index.counts("people", base, {"mid"}) == {"mid": expected["mid"]}
    assert index.counts("people", index.all) == {v: len(s) for v, s in sets.items() if s}


def test_a_stored_index_this_release_cannot_read_is_built_again(client, dated, caplog):
    client.get("/articles/")
    stored = counts.CountIndex.objects.get(generation=counts.generation())
    stored.data = b"\x05\x00\x00\x00[1,2]"  # some other release's idea of an index
    stored.save()
    _as_another_server()
    response = client.get("/articles/?source=BBC")
    assert _results(response) == {"old"}
    assert "cannot be read; building it again" in caplog.text
