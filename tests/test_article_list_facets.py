"""The faceted article list: OR within a facet, AND across facets, counts over the other filters."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Organisation
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def unions(db):
    return {
        slug: Organisation.objects.create(name=name, slug=slug, abbreviation=abbr, kind=kind)
        for slug, name, abbr, kind in [
            ("pcs", "Public and Commercial Services Union", "PCS", "trade_union"),
            ("unison", "Unison", "", "trade_union"),
            ("tuc", "Trades Union Congress", "TUC", "federation"),
            ("treasury", "HM Treasury", "", "government"),
        ]
    }


@pytest.fixture
def corpus(unions):
    """Six articles: PCS in 2011 (2) and 2013, Unison in 2011, TUC+Unison in 2005, one draft."""
    u = unions
    specs = [
        (
            "pcs-2011-a",
            dt.date(2011, 1, 28),
            [u["pcs"], u["treasury"]],
            "The Guardian",
            "published",
        ),
        ("pcs-2011-b", dt.date(2011, 11, 30), [u["pcs"]], "The Independent", "published"),
        ("pcs-2013", dt.date(2013, 4, 7), [u["pcs"]], "BBC", "published"),
        ("unison-2011", dt.date(2011, 11, 30), [u["unison"]], "The Independent", "published"),
        ("tuc-unison-2005", dt.date(2005, 6, 1), [u["tuc"], u["unison"]], "", "published"),
        ("pcs-draft", dt.date(2011, 5, 1), [u["pcs"]], "The Guardian", "draft"),
    ]
    return {
        slug: make_article(
            title=slug,
            slug=slug,
            published_date=date,
            organisations=orgs,
            source=source,
            status=status,
            original=f"{slug} text",
        )
        for slug, date, orgs, source, status in specs
    }


def _facet(response, name) -> dict[str, int]:
    for facet in response.context["facets"]:
        if facet.name == name:
            return {v.value: v.count for v in facet.values}
    return {}


def _results(response) -> set[str]:
    return {article.slug for article, _ in response.context["results"]}


def test_pcs_facet_counts_only_published_articles(client, corpus):
    response = client.get("/articles/")
    assert _facet(response, "union") == {"pcs": 3, "unison": 2, "tuc": 1}
    assert response.context["page"].paginator.count == 5


def test_union_facet_lists_only_unions_and_federations(client, corpus):
    response = client.get("/articles/")
    assert "treasury" not in _facet(response, "union")
    assert _facet(response, "org")["treasury"] == 1


def test_values_of_one_facet_combine_with_or(client, corpus):
    response = client.get("/articles/?union=pcs&union=tuc")
    assert _results(response) == {"pcs-2011-a", "pcs-2011-b", "pcs-2013", "tuc-unison-2005"}


def test_different_facets_combine_with_and(client, corpus):
    response = client.get("/articles/?union=pcs&year=2011")
    assert _results(response) == {"pcs-2011-a", "pcs-2011-b"}


def test_each_facet_counts_over_the_other_active_filters(client, corpus):
    response = client.get("/articles/?union=pcs&year=2011")
    # Union counts ignore the union filter but keep the year: what choosing another union gives.
    assert _facet(response, "union") == {"pcs": 2, "unison": 1}
    # Year counts ignore the year filter but keep the union.
    assert _facet(response, "year") == {"2011": 2, "2013": 1}
    # Other facets count the full result.
    assert _facet(response, "source") == {"The Guardian": 1, "The Independent": 1}


def test_selected_values_are_marked_and_link_to_toggle_themselves(client, corpus):
    response = client.get("/articles/?union=pcs&year=2011")
    union = next(f for f in response.context["facets"] if f.name == "union")
    pcs = next(v for v in union.values if v.value == "pcs")
    unison = next(v for v in union.values if v.value == "unison")
    assert pcs.selected and pcs.url == "?year=2011"
    assert not unison.selected and unison.url == "?union=pcs&union=unison&year=2011"


def test_month_facet_appears_within_one_selected_year(client, corpus):
    assert "month" not in {f.name for f in client.get("/articles/").context["facets"]}
    response = client.get("/articles/?year=2011")
    assert _facet(response, "month") == {"1": 1, "11": 2}
    response = client.get("/articles/?year=2011&month=11")
    assert _results(response) == {"pcs-2011-b", "unison-2011"}


def test_date_range_accepts_year_month_and_day(client, corpus):
    assert _results(client.get("/articles/?from=2011&to=2011")) == {
        "pcs-2011-a",
        "pcs-2011-b",
        "unison-2011",
    }
    assert _results(client.get("/articles/?from=2011-02&to=2013-04")) == {
        "pcs-2011-b",
        "unison-2011",
        "pcs-2013",
    }
    assert _results(client.get("/articles/?from=2011-11-30&to=2011-11-30")) == {
        "pcs-2011-b",
        "unison-2011",
    }


def test_zero_count_values_are_hidden(client, corpus):
    response = client.get("/articles/?union=tuc")
    assert "The Guardian" not in _facet(response, "source")
    assert set(_facet(response, "year")) == {"2005"}


def test_long_facets_show_the_top_values_and_a_link_to_all(client, corpus, article_factory):
    for i in range(12):
        org = Organisation.objects.create(name=f"Branch {i:02}", slug=f"branch-{i}", kind="other")
        article_factory(title=f"Branch news {i}", slug=f"branch-news-{i}", organisations=[org])
    response = client.get("/articles/")
    org_facet = next(f for f in response.context["facets"] if f.name == "org")
    assert len(org_facet.values) == 8 and org_facet.more_url == "?all=org"
    response = client.get("/articles/?all=org")
    org_facet = next(f for f in response.context["facets"] if f.name == "org")
    assert len(org_facet.values) == 16 and org_facet.less_url == "?"


def test_active_filters_are_removable_chips_with_clear_all(client, corpus):
    response = client.get("/articles/?union=pcs&year=2011&sort=oldest")
    chips = {(c.kind, c.label): c.remove_url for c in response.context["chips"]}
    assert chips == {
        ("Union", "PCS"): "?year=2011&sort=oldest",
        ("Year", "2011"): "?union=pcs&sort=oldest",
    }
    assert response.context["clear_url"] == "?sort=oldest"
    page = response.content.decode()
    assert "Clear all" in page and "2</strong> articles" in page


def test_sort_newest_and_oldest(client, corpus):
    newest = [a.slug for a, _ in client.get("/articles/").context["results"]]
    oldest = [a.slug for a, _ in client.get("/articles/?sort=oldest").context["results"]]
    assert newest[0] == "pcs-2013" and oldest[0] == "tuc-unison-2005"


def test_twenty_per_page_with_numbered_pagination(client, article_factory):
    for i in range(45):
        article_factory(
            title=f"Article {i}",
            slug=f"article-{i}",
            published_date=dt.date(2010, 1, 1) + dt.timedelta(days=i),
        )
    first = client.get("/articles/")
    assert len(first.context["results"]) == 20
    assert first.context["page_numbers"] == [1, 2, 3]
    third = client.get("/articles/?page=3")
    assert len(third.context["results"]) == 5
    assert (
        'aria-current="page"><span class="visually-hidden">Page </span>3' in third.content.decode()
    )


def test_histogram_counts_per_year_and_per_month_in_one_year(client, corpus):
    years = client.get("/articles/").context["histogram"]
    assert [(b.label, b.count) for b in years.bars if b.count] == [
        ("2005", 1),
        ("2011", 3),
        ("2013", 1),
    ]
    assert len(years.bars) == 9  # every year from 2005 to 2013, empty ones included
    bar_2011 = next(b for b in years.bars if b.label == "2011")
    assert bar_2011.url == "?year=2011" and bar_2011.height == 20
    months = client.get("/articles/?year=2011").context["histogram"]
    assert [(b.label, b.count) for b in months.bars if b.count] == [("Jan", 1), ("Nov", 2)]
    assert len(months.bars) == 12


def test_histogram_has_a_text_alternative_for_each_bar(client, corpus):
    page = client.get("/articles/").content.decode()
    assert '2011<span class="visually-hidden">: 3 articles</span>' in page


def test_the_url_holds_the_whole_state(client, corpus):
    a = client.get("/articles/?union=pcs&year=2011&sort=oldest&page=1")
    b = client.get("/articles/?sort=oldest&year=2011&union=pcs")
    assert _results(a) == _results(b)
    assert [x.slug for x, _ in a.context["results"]] == [x.slug for x, _ in b.context["results"]]


@contextmanager
def _max_queries(limit: int):
    """At most `limit` statements that read or write data (not counting PostgreSQL's SAVEPOINT,
    RELEASE and SET LOCAL statement_timeout around each search statement's time budget)."""
    with CaptureQueriesContext(connection) as context:
        yield
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")
    statements = [q["sql"] for q in context.captured_queries if not q["sql"].startswith(control)]
    assert len(statements) <= limit, "\n".join(statements)


def test_facet_queries_are_a_fixed_number_whatever_the_data_size(client, corpus, article_factory):
    # After a write the first request rebuilds the count index (see the test below); the
    # pages themselves then take at most 12 queries, at 5 articles as at 65, a search included
    # (its name look-up and its one match table, which the count, page and facets share).
    url = "/articles/?union=pcs&year=2011&q=text&source=The+Guardian&person=nobody"
    client.get(url)
    with _max_queries(12):
        client.get(url)
    orgs = [Organisation.objects.create(name=f"Org {i}", slug=f"org-{i}") for i in range(30)]
    for i in range(60):
        article_factory(
            title=f"More {i}",
            slug=f"more-{i}",
            organisations=orgs[i % 30 : i % 30 + 3],
            published_date=dt.date(2000 + i % 20, 1 + i % 12, 1),
        )
    client.get("/healthz")
    client.get("/articles/?year=2011")
    with _max_queries(12):
        client.get(url)
    with _max_queries(12):
        client.get("/articles/?year=2011")


def test_rebuilding_the_count_index_after_a_write_is_a_fixed_number_of_queries(
    client, corpus, article_factory, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        client.get("/articles/?union=pcs")
    orgs = [Organisation.objects.create(name=f"Org {i}", slug=f"org-{i}") for i in range(30)]
    for i in range(60):
        article_factory(title=f"More {i}", slug=f"more-{i}", organisations=orgs[i % 30 :][:3])
    with django_assert_max_num_queries(16):
        client.get("/articles/?union=pcs")


def test_whole_archive_counts_are_cached_and_renewed_when_an_article_changes(client, corpus):
    cache.clear()
    assert _facet(client.get("/articles/"), "union")["pcs"] == 3
    draft = corpus["pcs-draft"]
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert _facet(client.get("/articles/"), "union")["pcs"] == 4


def test_publishing_from_the_admin_renews_the_cached_counts(editor_client, corpus):
    cache.clear()
    assert _facet(editor_client.get("/articles/"), "union")["pcs"] == 3
    editor_client.post(
        "/admin/archive/article/",
        {"action": "publish", "_selected_action": [corpus["pcs-draft"].pk]},
    )
    assert _facet(editor_client.get("/articles/"), "union")["pcs"] == 4


def test_home_page_links_to_the_article_list_and_unions(client, corpus):
    page = client.get("/").content.decode()
    assert 'href="/articles/"' in page
    assert 'href="/articles/?union=pcs"' in page


def test_date_range_matches_articles_dated_to_a_month_or_year_by_overlap(client, db):
    make_article(
        title="Year only",
        slug="year-only",
        published_date=dt.date(2005, 1, 1),
        date_precision="year",
    )
    make_article(
        title="Month only",
        slug="month-only",
        published_date=dt.date(2011, 11, 1),
        date_precision="month",
    )
    assert _results(client.get("/articles/?from=2005-06")) == {"year-only", "month-only"}
    assert _results(client.get("/articles/?to=2004-12")) == set()
    assert _results(client.get("/articles/?from=2011-11-15&to=2011-11-30")) == {"month-only"}
    assert _results(client.get("/articles/?from=2011-12")) == set()


def test_oldest_first_puts_undated_articles_last(client, db):
    make_article(title="Undated", slug="undated", published_date=None)
    make_article(title="Dated", slug="dated", published_date=dt.date(1990, 1, 1))
    oldest = [a.slug for a, _ in client.get("/articles/?sort=oldest").context["results"]]
    assert oldest == ["dated", "undated"]


def test_long_spans_are_drawn_a_decade_a_bar(client, db):
    for year in (1889, 1926, 1984, 2011):
        make_article(title=f"From {year}", slug=f"from-{year}", published_date=dt.date(year, 5, 1))
    histogram = client.get("/articles/").context["histogram"]
    assert histogram.unit == "decade"
    assert [b.label for b in histogram.bars][:2] == ["1880s", "1890s"]
    assert len(histogram.bars) == 14
    bar = histogram.bars[0]
    assert (bar.count, bar.url) == (1, "?from=1880&to=1889")
    assert _results(client.get("/articles/" + bar.url)) == {"from-1889"}


def test_home_page_year_bars_lead_into_the_article_list(client, corpus):
    page = client.get("/").content.decode()
    assert 'href="/articles/?year=2011"' in page


def test_year_bars_keep_the_date_range_their_counts_were_made_with(client, corpus):
    histogram = client.get("/articles/?from=2011-11").context["histogram"]
    bar = next(b for b in histogram.bars if b.label == "2011")
    assert bar.count == 2
    assert _results(client.get("/articles/" + bar.url)) == {"pcs-2011-b", "unison-2011"}


def test_pages_and_sorting_keep_an_expanded_facet(client, corpus):
    response = client.get("/articles/?all=org")
    assert response.context["page_url"] == "?all=org"
    assert all("all=org" in url for _, _, url, _ in response.context["sorts"])


def test_the_cache_fingerprint_is_read_once_per_page(client, corpus, django_assert_max_num_queries):
    cache.clear()
    client.get("/articles/")
    with django_assert_max_num_queries(4):  # fingerprint, count, page, nothing per facet
        client.get("/articles/")
