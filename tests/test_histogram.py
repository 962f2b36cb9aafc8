"""The date histogram: years for short spans, decades for long ones, undated apart."""

import datetime as dt

import pytest

from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def _results(response) -> set[str]:
    return {article.slug for article, _ in response.context["results"]}


def _archive(years, undated=1):
    for year in years:
        make_article(title=f"Of {year}", slug=f"of-{year}", published_date=dt.date(year, 6, 1))
    for i in range(undated):
        make_article(title=f"Undated {i}", slug=f"undated-{i}", published_date=None)


def test_twelve_years_are_drawn_a_year_a_bar_and_thirteen_a_decade_a_bar(client):
    _archive(range(2000, 2012))
    assert client.get("/articles/").context["histogram"].unit == "year"
    _archive([2012], undated=0)
    histogram = client.get("/articles/").context["histogram"]
    assert [(b.label, b.count) for b in histogram.bars] == [("2000s", 10), ("2010s", 3)]


def test_every_year_of_a_thirty_year_span_is_reachable_through_its_decade(client):
    _archive([1984, *range(1995, 2025)])
    decades = client.get("/articles/").context["histogram"].bars
    assert [b.label for b in decades] == ["1980s", "1990s", "2000s", "2010s", "2020s"]
    reached = set()
    for decade in decades:
        years = client.get("/articles/" + decade.url).context["histogram"]
        assert years.unit == "year"
        reached |= {int(b.label) for b in years.bars if b.count}
    assert reached == {1984, *range(1995, 2025)}


def test_undated_articles_have_their_own_count_and_link(client):
    _archive(range(2000, 2003), undated=2)
    histogram = client.get("/articles/").context["histogram"]
    assert histogram.undated == 2
    assert histogram.undated_url == "?undated=1"
    response = client.get("/articles/" + histogram.undated_url)
    assert _results(response) == {"undated-0", "undated-1"}
    chips = [(c.kind, c.label) for c in response.context["chips"]]
    assert ("Date", "Undated") in chips
    assert 'aria-current="true">Undated: 2 articles' in response.content.decode()


def test_an_unknown_undated_value_is_ignored_with_a_note(client):
    _archive([2000])
    response = client.get("/articles/?undated=maybe")
    assert len(_results(response)) == 2
    assert "Ignored undated “maybe”" in response.content.decode()


def test_entity_pages_count_their_undated_articles(client, pcs):
    make_article(
        title="Dated", slug="dated", published_date=dt.date(2001, 1, 1), organisations=[pcs]
    )
    make_article(title="Undated", slug="undated", published_date=None, organisations=[pcs])
    histogram = client.get("/organisations/pcs/").context["histogram"]
    assert histogram.undated == 1
    assert histogram.undated_url == "/articles/?union=pcs&undated=1"
    assert [b.url for b in histogram.bars] == ["/articles/?union=pcs&year=2001"]
