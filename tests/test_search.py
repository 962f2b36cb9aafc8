"""Full-text search: words and "exact phrases", combined with facets, highlighted snippets."""

import datetime as dt

import pytest

from archive import search
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(pcs, tuc):
    return [
        make_article(
            title="Union calls general strike",
            slug="general-strike",
            standfirst="A 24-hour stoppage",
            published_date=dt.date(2013, 4, 7),
            original="The union wants a general strike across the economy.",
            organisations=[pcs],
        ),
        make_article(
            title="Strikes spread",
            slug="strikes-spread",
            byline="Jane Reporter",
            published_date=dt.date(2011, 11, 30),
            original="Workers strike in general terms over pensions; a strike is general.",
            organisations=[tuc],
        ),
        make_article(
            title="Talks resume",
            slug="talks-resume",
            published_date=dt.date(2011, 12, 1),
            original="Ministers and unions return to negotiations.",
            organisations=[tuc],
        ),
    ]


def _slugs(response) -> list[str]:
    return [article.slug for article, _ in response.context["results"]]


def test_search_matches_title_standfirst_byline_and_body(client, articles):
    assert _slugs(client.get("/articles/?q=stoppage")) == ["general-strike"]
    assert _slugs(client.get("/articles/?q=reporter")) == ["strikes-spread"]
    assert _slugs(client.get("/articles/?q=negotiations")) == ["talks-resume"]


def test_words_are_stemmed(client, articles):
    assert set(_slugs(client.get("/articles/?q=striking"))) == {"general-strike", "strikes-spread"}
    assert _slugs(client.get("/articles/?q=negotiation")) == ["talks-resume"]


def test_exact_phrase_matches_only_the_words_together(client, articles):
    assert _slugs(client.get('/articles/?q="general+strike"')) == ["general-strike"]
    assert set(_slugs(client.get("/articles/?q=general+strike"))) == {
        "general-strike",
        "strikes-spread",
    }


def test_search_combines_with_facets(client, articles):
    assert _slugs(client.get("/articles/?q=strike&union=tuc")) == ["strikes-spread"]


def test_results_are_sorted_by_relevance_when_searching(client, articles):
    response = client.get("/articles/?q=general+strike")
    assert response.context["sort"] == "relevance"
    assert _slugs(response)[0] == "general-strike"
    assert _slugs(client.get("/articles/?q=general+strike&sort=oldest"))[0] == "strikes-spread"


def test_each_result_has_a_snippet_with_the_matches_highlighted(client, articles):
    response = client.get('/articles/?q="general+strike"')
    ((_, snippet),) = response.context["results"]
    assert "<mark>general strike</mark>" in snippet
    assert "<mark>general strike</mark>" in response.content.decode()


def test_snippets_escape_the_article_text(client, pcs):
    make_article(
        title="Escaping",
        slug="escaping",
        original="The <b>union</b> said &lt;script&gt;alert(1)&lt;/script&gt; pay",
        original_format="text",
    )
    response = client.get("/articles/?q=alert")
    ((_, snippet),) = response.context["results"]
    assert "union&lt;/b&gt;" in snippet  # the text's own markup, shown as text
    assert "&amp;lt;script&amp;gt;" in snippet  # and its own entities, as written
    assert "<b>" not in snippet and "<script>" not in response.content.decode()
    assert "<mark>alert</mark>" in snippet


def test_a_search_with_no_results_says_so_and_offers_to_drop_filters(client, articles):
    response = client.get("/articles/?q=strike&union=pcs&year=2011")
    page = response.content.decode()
    assert "No articles match" in page
    assert "Try dropping one filter" in page
    assert 'href="?q=strike&amp;union=pcs"' in page  # without the year
    assert 'href="?q=strike&amp;year=2011"' in page  # without the union


@pytest.mark.parametrize(
    "query",
    ['"', "AND", "OR NOT", "NEAR(", "*", "^strike", "col:strike", '"unclosed', "strike)", "-"],
)
def test_search_syntax_never_causes_an_error(client, articles, query):
    response = client.get("/articles/", {"q": query})
    assert response.status_code == 200


def test_the_query_parser_keeps_phrases_and_drops_punctuation():
    parsed = search.parse_query('  "General  strike" PCS (pay) "" ')
    assert [t.text for t in parsed.terms] == ["General strike", "PCS", "pay"]
    assert parsed.clauses == (
        (search.Term("General strike", quoted=True),),
        (search.Term("PCS"),),
        (search.Term("pay"),),
    )
    assert not search.parse_query('"" ** ()')
    assert not search.parse_query("-strike")


def test_the_query_parser_understands_or_not_and_prefixes():
    parsed = search.parse_query("serwotka -strike pension* OR ballot")
    assert parsed.clauses == (
        (search.Term("serwotka"),),
        (search.Term("pension", prefix=True), search.Term("ballot")),
    )
    assert parsed.excluded == (search.Term("strike"),)


def test_the_query_objects_hold_no_database_syntax():
    parsed = search.parse_query('"a" OR b* -c NEAR( col:d')
    for term in (*parsed.terms, *parsed.excluded):
        assert '"' not in term.text and "*" not in term.text and ":" not in term.text


def test_or_matches_either_word(client, articles):
    assert set(_slugs(client.get("/articles/?q=stoppage+OR+negotiations"))) == {
        "general-strike",
        "talks-resume",
    }


def test_a_minus_excludes_a_word(client, articles):
    assert set(_slugs(client.get("/articles/?q=strike+-pensions"))) == {"general-strike"}


def test_a_star_matches_word_beginnings(client, articles):
    assert set(_slugs(client.get("/articles/?q=negot*"))) == {"talks-resume"}
    assert set(_slugs(client.get("/articles/?q=stoppa*"))) == {"general-strike"}


def test_a_search_of_only_exclusions_is_ignored_with_a_note(client, articles):
    response = client.get("/articles/?q=-strike")
    assert response.context["page"].paginator.count == 3
    assert "Nothing to search for" in response.content.decode()
    assert not response.context["chips"]


def test_an_underscore_is_not_a_word_to_find(client, articles):
    assert not search.parse_query("_")
    assert set(_slugs(client.get("/articles/?q=stoppage+_"))) == {"general-strike"}


def test_phrases_or_and_exclusions_combine(client, articles):
    response = client.get('/articles/?q="general+strike"+OR+negotiations+-stoppage')
    assert set(_slugs(response)) == {"talks-resume"}


def test_relevance_puts_a_title_match_before_a_body_match(client, pcs):
    make_article(
        title="Talks",
        slug="body-match",
        published_date=dt.date(2020, 1, 1),
        original="Nothing much, then a ballot.",
    )
    make_article(
        title="Ballot result announced",
        slug="title-match",
        published_date=dt.date(2001, 1, 1),
        original="The count is in.",
    )
    assert _slugs(client.get("/articles/?q=ballot")) == ["title-match", "body-match"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("union=pcs", ["general-strike"]),
        ("org=tuc", ["strikes-spread"]),
        ("person=mark-serwotka", ["strikes-spread"]),
        ("event=public-sector-pensions-strike-2011", ["strikes-spread"]),
        ("source=Morning+Star", ["general-strike"]),
        ("year=2011", ["strikes-spread"]),
        ("year=2013&month=4", ["general-strike"]),
        ("from=2012&to=2014", ["general-strike"]),
    ],
)
def test_search_combines_with_every_facet(client, articles, serwotka, n30, filters, expected):
    articles[1].people.set([serwotka])
    articles[1].events.set([n30])
    type(articles[0]).objects.filter(pk=articles[0].pk).update(source="Morning Star")
    response = client.get(f"/articles/?q=strike&{filters}")
    assert _slugs(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_facet_counts_count_only_the_matching_articles(client, articles):
    response = client.get("/articles/?q=strike")
    union = next(f for f in response.context["facets"] if f.name == "org")
    assert {v.value: v.count for v in union.values} == {"pcs": 1, "tuc": 1}
