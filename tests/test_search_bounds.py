"""No search can hold a worker: bounded terms and prefixes, one match per request, a budget."""

import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import search
from archive.search.base import SearchTimeout
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def _searches(queries) -> int:
    """Statements that looked for matches (a MATCH, or a tsquery against the index), not
    counting the page's snippets."""
    markers = ("archive_article_fts MATCH", "@@")
    return sum(
        1 for q in queries if any(m in q["sql"] for m in markers) and "snippet(" not in q["sql"]
    )


def test_a_prefix_of_fewer_than_three_letters_is_a_whole_word_with_a_note(client, articles):
    response = client.get("/articles/?q=s*")
    assert "searched as the whole word “s”" in response.content.decode()
    assert response.context["page"].paginator.count == 0  # "s" alone is in no article
    response = client.get("/articles/?q=so*")
    assert response.context["page"].paginator.count == 6  # "so" is a word in every article
    assert search.parse_query("str*").terms == (search.Term("str", prefix=True),)


def test_a_search_takes_at_most_ten_terms_and_says_what_it_left_out(client, articles):
    words = " ".join(f"w{i}" for i in range(12))
    parsed = search.parse_query(words)
    assert len(parsed.terms) == search.MAX_TERMS == 10
    response = client.get("/articles/", {"q": "strike " + words})
    assert response.status_code == 200
    assert "left out w9 w10 w11" in response.content.decode()


def test_twelve_or_ed_one_letter_prefixes_are_bounded(client, articles):
    query = " OR ".join(f"{c}*" for c in "abcdefghijkl")
    response = client.get("/articles/", {"q": query})
    assert response.status_code == 200
    assert len(search.parse_query(query).terms) == 10


def test_one_request_searches_once_whatever_the_facets(client, articles):
    with CaptureQueriesContext(connection) as plain:
        client.get("/articles/?q=strike")
    with CaptureQueriesContext(connection) as faceted:
        client.get("/articles/?q=strike&union=pcs&year=2011&org=tuc&sort=newest")
    with CaptureQueriesContext(connection) as all_values:
        client.get("/articles/?q=strike&all=org&page=1")
    counts = {_searches(plain), _searches(faceted), _searches(all_values)}
    # Counting how many match (to know whether to rank them all) and materialising them.
    assert counts == {2}


def test_the_reading_room_reads_the_match_from_memory_without_joining_it(client, articles):
    # The count, the page, the facet counts and the order by relevance all come from the one
    # match held in memory and the count index: no statement writes or joins a match table.
    with CaptureQueriesContext(connection) as context:
        response = client.get("/articles/?q=strike&union=pcs")
    assert response.context["page"].paginator.count == 3
    assert not [q["sql"] for q in context.captured_queries if "search_match" in q["sql"]]


def test_a_download_writes_the_match_to_the_match_table_once_and_joins_it(client, articles):
    with CaptureQueriesContext(connection) as context:
        response = client.get("/articles/export.csv?q=strike&union=pcs")
        rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 1 + 3  # the header and pcs's three articles
    joins = [q["sql"] for q in context.captured_queries if "search_match" in q["sql"]]
    assert len([sql for sql in joins if sql.startswith("INSERT INTO search_match")]) == 1
    assert len(joins) >= 2  # the rows join the one match
    assert _searches(context.captured_queries) == 2  # counting, then reading the matches


def test_the_budget_stops_a_long_statement_on_this_database(db):
    slow = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
        "SELECT count(*) FROM c"
    )
    start = time.monotonic()
    with pytest.raises(SearchTimeout), search.backend().bounded(0.05):
        with connection.cursor() as cursor:
            cursor.execute(slow)
    assert time.monotonic() - start < 2
    with connection.cursor() as cursor:  # the connection is usable afterwards, unbounded
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.fixture
def slow_database(monkeypatch):
    """Every bounded statement after the first `allowed` runs out of time."""
    engine = search.backend()
    real = type(engine).bounded
    calls = {"n": 0, "allowed": 0}

    def bounded(self, seconds, **kwargs):
        calls["n"] += 1
        if calls["n"] > calls["allowed"]:
            raise SearchTimeout("simulated")
        return real(self, seconds, **kwargs)

    monkeypatch.setattr(type(engine), "bounded", bounded)
    monkeypatch.setattr(search, "SMALL_MATCH", 0)  # count under the budget however few match
    return calls


def test_a_search_too_broad_for_its_budget_shows_some_matches_and_says_so(
    client, articles, slow_database, monkeypatch
):
    def ranked_matches(self, cursor, query):
        raise SearchTimeout("simulated")

    slow_database["allowed"] = 2  # the search and its fallback
    monkeypatch.setattr(type(search.backend()), "ranked_matches", ranked_matches)
    response = client.get("/articles/?q=strike")
    assert response.status_code == 200
    assert len(response.context["results"]) == 6
    page = response.content.decode()
    assert "too broad to finish in time" in page
    assert not response.context["facets"]


def test_counts_over_a_finished_search_need_no_more_database_time(client, articles, slow_database):
    # The search itself is the only bounded statement: once its matches are in, the count and
    # the counts by facet and year come from the count index, so they are exact and complete.
    slow_database["allowed"] = 1
    response = client.get("/articles/?q=strike")
    assert response.status_code == 200
    assert len(response.context["results"]) == 6
    assert response.context["page"].paginator.count == 6
    page = response.content.decode()
    assert "Left out to answer in time" not in page
    assert response.context["facets"]
    assert response.context["histogram"] is not None


def test_a_search_that_cannot_even_fall_back_shows_nothing_and_says_so(
    client, articles, slow_database
):
    response = client.get("/articles/?q=strike")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "so it shows nothing" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "s* " * 100,
        '"' * 300,
        "OR " * 80,
        "-" * 200,
        "a" * 5000,
        " ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz") * 3,
        "NEAR(strike ballot, 2) AND col:x ^y {title}: z",
        "\u0000strike",
        "“curly” quotes ‘and’ ‒ dashes",
    ],
)
def test_no_query_of_any_length_or_syntax_fails(client, articles, query):
    response = client.get("/articles/", {"q": query})
    assert response.status_code == 200


def test_a_search_with_too_many_matches_to_rank_lists_the_newest_first(
    client, articles, monkeypatch
):
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    response = client.get("/articles/?q=strike")
    newest_first = sorted(articles, key=lambda a: (a.published_date, a.pk), reverse=True)
    assert [a.slug for a, _ in response.context["results"]] == [a.slug for a in newest_first]
    assert response.context["page"].paginator.count == 6
    assert "too many to rank by relevance: the newest come first" in response.content.decode()
    assert response.context["facets"]  # counted: within the budget
    response = client.get("/articles/export.json?q=strike&sort=relevance")
    exported = json.loads(b"".join(response.streaming_content))
    assert [a["slug"] for a in exported["articles"]] == [a.slug for a in newest_first]


def test_a_search_with_more_matches_than_it_reads_shows_some_newest_first_and_says_so(
    client, articles, monkeypatch
):
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    monkeypatch.setattr(search, "MATCH_LIMIT", 4)
    response = client.get("/articles/?q=strike")
    shown = [a for a, _ in response.context["results"]]
    assert len(shown) == response.context["page"].paginator.count == 4
    assert shown == sorted(shown, key=lambda a: (a.published_date, a.pk), reverse=True)
    page = response.content.decode()
    assert "matches more than 4 articles, more than one search reads" in page
    assert not response.context["facets"]  # counts over part of the matches would mislead


def test_the_match_table_is_emptied_when_the_response_is_sent(client, articles):
    response = client.get("/api/articles/?q=strike")  # the API joins the match table
    assert response.json()["count"] == 6
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_match")
        assert cursor.fetchone() == (0,)


def test_a_budget_spent_after_the_matches_were_read_still_answers(client, articles, monkeypatch):
    """The budget ran out just after the matches were read (a benchmark found this 500)."""
    engine = type(search.backend())
    real = engine.ranked_matches

    def read_then_run_out(self, cursor, query):
        real(self, cursor, query)
        raise SearchTimeout("simulated")

    monkeypatch.setattr(engine, "ranked_matches", read_then_run_out)
    response = client.get("/articles/?q=strike")
    assert response.status_code == 200
    assert len(response.context["results"]) == 6
    assert "too broad to finish in time" in response.content.decode()


def test_counts_over_a_small_match_run_without_the_budgets_overhead(client, articles):
    with CaptureQueriesContext(connection) as context:
        client.get("/articles/?q=strike&union=pcs")
    bounded = [q for q in context.captured_queries if "statement_timeout" in q["sql"]]
    assert len(bounded) <= 2  # the search itself only (PostgreSQL); none on SQLite


def test_a_search_too_broad_to_rank_is_read_once_then_narrowed_from_memory(
    client, articles, monkeypatch, settings, reads
):
    settings.ARCHIVE_PAGE_CACHE = False  # the pages themselves are made every time
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    first = client.get("/articles/?q=strike")
    narrowed = client.get("/articles/?q=strike&union=pcs")
    again = client.get("/articles/?q=strike")
    assert len(reads) == 1  # the narrowed and repeated searches did not search again
    assert narrowed.context["page"].paginator.count == 3
    assert again.content == first.content  # the same page, its note included
    assert "too many to rank by relevance" in again.content.decode()

    make_article(title="Strike news today", slug="strike-new", original="A strike today.")
    page = client.get("/articles/?q=strike")
    assert len(reads) == 2  # a write made a new count index: searched again
    assert page.context["page"].paginator.count == 7


def test_a_ranked_search_is_not_kept_between_requests(client, articles, settings, reads):
    settings.ARCHIVE_PAGE_CACHE = False
    client.get("/articles/?q=ballot")
    client.get("/articles/?q=ballot&union=pcs")
    assert len(reads) == 2  # ranks are not kept: a ranked search is read every time


def test_a_search_capped_at_its_match_limit_is_kept_and_still_says_so(
    client, articles, monkeypatch, settings, reads
):
    settings.ARCHIVE_PAGE_CACHE = False
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    monkeypatch.setattr(search, "MATCH_LIMIT", 4)
    first = client.get("/articles/?q=strike")
    again = client.get("/articles/?q=strike")
    assert len(reads) == 1
    assert again.context["page"].paginator.count == 4
    assert "matches more than 4 articles, more than one search reads" in again.content.decode()
    assert not again.context["facets"]  # still no counts over part of the matches
    assert again.content == first.content


def test_a_search_cut_short_for_time_is_searched_again(client, articles, monkeypatch, settings):
    settings.ARCHIVE_PAGE_CACHE = False
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    engine = type(search.backend())
    reads = []
    real = engine.newest_matches

    def slow_when_broad(self, cursor, query, limit):
        reads.append(limit)
        if limit > search.FALLBACK_LIMIT:
            raise SearchTimeout
        return real(self, cursor, query, limit)

    monkeypatch.setattr(engine, "newest_matches", slow_when_broad)
    client.get("/articles/?q=strike")
    client.get("/articles/?q=strike")
    assert len(reads) == 4  # twice each time: the full read ran out, the fallback answered


def test_pages_filling_the_page_cache_never_push_out_a_broad_searchs_matches(
    client, articles, monkeypatch, reads
):
    """The page cache and the search's matches are kept apart: a run of a thousand distinct
    pages (readers clicking through facets) leaves the matches where they were."""
    from django.core.cache import cache

    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    client.get("/articles/?q=strike")
    for n in range(1200):  # as many pages as the page cache holds, and more
        cache.set(f"page-{n}", b"x" * 100)
    client.get("/articles/?q=strike&union=pcs")
    assert len(reads) == 1
