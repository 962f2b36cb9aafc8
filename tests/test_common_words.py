"""A large archive's commonest words are searched once, with its count index (archive/matches.py),
so that no worker reads their matches from the database again."""

import pytest

from archive import counts, matches, search
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings, monkeypatch):
    """Six articles count as a large archive, and a word in more than three as too broad to
    rank; pages are made every time."""
    settings.ARCHIVE_COMMON_WORDS_MIN_ARTICLES = 1
    settings.ARCHIVE_PAGE_CACHE = False
    monkeypatch.setattr(search, "RANK_LIMIT", 3)


def _key(text: str) -> str:
    return search.match_key(search.parse_query(text))


def _rebuilt() -> counts.ArticleIndex:
    counts.invalidate()
    counts.rebuild_current()
    return counts.index()


def test_a_large_archives_commonest_words_are_searched_with_its_index(articles, large):
    index = _rebuilt()
    in_every_article = {"strike", "day", "members", "again", "ballot", "number", "say"}
    assert set(matches.common_words(index, 100)) == in_every_article
    for word in in_every_article:
        assert _key(word) in index.prepared
    for word in ("some", "so", "0", "1"):  # stop words and numbers
        assert _key(word) not in index.prepared


def test_a_prepared_word_is_listed_without_reading_its_matches_and_as_when_read(
    client, articles, large, settings, reads
):
    _rebuilt()
    reads.clear()
    prepared = client.get("/articles/?q=Strike&union=pcs")
    assert reads == []  # no match read from the database
    assert prepared.context["page"].paginator.count == 3
    settings.ARCHIVE_COMMON_WORDS = 0
    _rebuilt()
    read = client.get("/articles/?q=Strike&union=pcs")
    assert reads == [True]
    assert prepared.content == read.content  # the same page: results, counts, note, snippets


def test_other_searches_still_read_their_matches(client, articles, large, reads):
    _rebuilt()
    reads.clear()
    response = client.get("/articles/?q=strike -ballot")
    assert reads == [True]
    assert response.context["page"].paginator.count == 0


def test_prepared_words_are_stored_with_the_index_for_every_app_server(
    client, articles, large, reads
):
    _rebuilt()
    counts._latest.clear()  # another server, or this one restarted
    assert _key("ballot") in counts.load_stored().prepared
    reads.clear()
    response = client.get("/articles/?q=ballot")
    assert reads == []
    assert response.context["page"].paginator.count == 6


def test_the_workers_rebuild_after_a_write_prepares_the_words_again(client, articles, large, reads):
    _rebuilt()
    make_article(title="Strike news", slug="strike-news", original="A strike today.")
    counts.rebuild_current()  # the worker's task, queued by the write
    reads.clear()
    response = client.get("/articles/?q=strike")
    assert reads == []  # prepared afresh with the new index
    assert response.context["page"].paginator.count == 7
    assert "too many to rank by relevance" in response.content.decode()


def test_a_readers_request_that_builds_the_index_prepares_no_words(client, articles, large, reads):
    """A request rebuilds a small archive's index, or a large one's when the worker is late:
    the reader must not wait seconds for the commonest words as well."""
    _rebuilt()
    make_article(title="Strike news", slug="strike-news", original="A strike today.")
    reads.clear()
    response = client.get("/articles/?q=strike")  # rebuilds the index in this request
    assert response.context["page"].paginator.count == 7
    assert reads == [True]  # its own search only
    assert counts.index().prepared == {}


def test_a_search_says_what_it_made_of_its_own_words_whatever_was_kept(
    client, articles, monkeypatch, settings
):
    """A kept search is shared by every query with the same match: what parsing said of one
    reader's words (here a prefix too short, searched as a whole word) is that query's own."""
    settings.ARCHIVE_PAGE_CACHE = False
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    note = "searched as the whole word “so”"
    assert note in client.get("/articles/?q=so*").content.decode()  # read, then kept
    assert note not in client.get("/articles/?q=so").content.decode()  # kept, not its note
    own = "searched as the whole word “So”"
    assert own in client.get("/articles/?q=So*").content.decode()  # kept, with its own note


def test_prepared_searches_leave_the_stored_index_readable_by_an_older_release(articles, large):
    """An older server reads the sections it knows and stops there (a rolling upgrade, or a
    step back to the previous release, must not break every page)."""
    import json
    import struct

    blob = _rebuilt().dumps()
    (size,) = struct.unpack_from("<I", blob)
    header = json.loads(blob[4 : 4 + size])
    assert {facet for facet, _, _ in header["sections"]} <= {*counts.FACETS, "array"}
    assert header["prepared"]  # beside the sections, under a key of its own


def test_a_prepared_search_over_its_match_limit_still_says_so_without_counts(
    client, articles, large, monkeypatch, reads
):
    monkeypatch.setattr(search, "MATCH_LIMIT", 4)
    _rebuilt()
    reads.clear()
    response = client.get("/articles/?q=strike")
    assert reads == []
    assert response.context["page"].paginator.count == 4
    assert "matches more than 4 articles, more than one search reads" in (response.content.decode())
    assert not response.context["facets"]


def test_a_small_archive_prepares_no_words(articles, settings, monkeypatch, reads):
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    assert settings.ARCHIVE_COMMON_WORDS_MIN_ARTICLES == 20_000  # the default
    assert _rebuilt().prepared == {}
    assert reads == []  # and the build read no search


def test_preparing_words_keeps_to_its_time(articles, large, settings):
    settings.ARCHIVE_COMMON_WORDS_SECONDS = 0
    assert _rebuilt().prepared == {}
    settings.ARCHIVE_COMMON_WORDS_SECONDS = 5
    settings.ARCHIVE_COMMON_WORDS = 2
    assert len(_rebuilt().prepared) == 2


def test_a_word_slower_than_a_readers_search_may_be_is_still_prepared(articles, large, settings):
    """The worker's preparing is no reader's request: a word's search may take the time left
    for preparing, not only the budget a reader's search is cut off at."""
    settings.ARCHIVE_SEARCH_BUDGET_MS = 0  # every reader's search would be cut off at once
    assert len(_rebuilt().prepared) == len(matches.common_words(counts.index(), 100)) > 0


def test_preparing_words_says_how_many_it_prepared(articles, large, caplog):
    with caplog.at_level("INFO", logger="archive.matches"):
        index = _rebuilt()
    (said,) = [r.getMessage() for r in caplog.records if "common words" in r.getMessage()]
    assert said.startswith(f"Count index: prepared the searches of {len(index.prepared)} of ")


def test_preparing_words_keeps_to_its_size(articles, large, monkeypatch):
    monkeypatch.setattr(matches, "MAX_BYTES", 1)  # any one word's matches are more
    assert len(_rebuilt().prepared) == 1


def test_a_word_too_rare_to_leave_unranked_is_not_prepared(articles, large, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 6)  # no word is in more than six articles
    assert _rebuilt().prepared == {}
