"""Searching a name finds the other names of the organisation or person it names."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import search
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(pcs, serwotka):
    serwotka.aliases = "Mr Serwotka"
    serwotka.save()
    return [
        make_article(
            title="PCS ballots members",
            slug="says-pcs",
            published_date=dt.date(2011, 1, 1),
            original="The union balloted.",
        ),
        make_article(
            title="Civil service union walks out",
            slug="says-full-name",
            published_date=dt.date(2011, 2, 1),
            original="The Public and Commercial Services Union walked out.",
        ),
        make_article(
            title="PCSU statement",
            slug="says-pcsu",
            published_date=dt.date(2011, 3, 1),
            original="A statement.",
        ),
        make_article(
            title="Mr Serwotka speaks",
            slug="says-mr-serwotka",
            published_date=dt.date(2011, 4, 1),
            original="A speech.",
        ),
    ]


def _slugs(response) -> set[str]:
    return {article.slug for article, _ in response.context["results"]}


def test_an_abbreviation_finds_the_organisations_other_names(client, named):
    response = client.get("/articles/?q=PCSU")
    assert _slugs(response) == {"says-pcs", "says-full-name", "says-pcsu"}


def test_the_expansion_is_shown_in_a_note_with_a_link_to_turn_it_off(client, named):
    page = client.get("/articles/?q=PCSU").content.decode()
    assert "“PCSU” also finds" in page
    assert "“Public and Commercial Services Union”" in page
    assert 'href="?q=%22PCSU%22"' in page
    response = client.get('/articles/?q="PCSU"')
    assert _slugs(response) == {"says-pcsu"}
    assert "also finds" not in response.content.decode()


def test_a_full_name_typed_as_words_finds_the_abbreviation(client, named):
    response = client.get("/articles/?q=public+and+commercial+services+union")
    assert _slugs(response) == {"says-pcs", "says-full-name", "says-pcsu"}


def test_a_persons_name_finds_their_other_names(client, named):
    response = client.get("/articles/?q=mark+serwotka")
    assert _slugs(response) == {"says-mr-serwotka"}
    assert "other names of Mark Serwotka" in response.content.decode()


def test_an_expanded_search_keeps_the_readers_other_words(client, named):
    assert _slugs(client.get("/articles/?q=PCSU+ballots")) == {"says-pcs"}
    assert _slugs(client.get("/articles/?q=PCSU+-statement")) == {"says-pcs", "says-full-name"}


def test_a_word_that_is_no_name_is_searched_as_typed(named):
    query = search.parse_query("ballots")
    assert not search.expansions(query)


def test_a_name_added_by_an_editor_widens_the_next_search_without_a_restart(client, named, pcs):
    # The names are read once per generation, so a search costs no query for them; an edit
    # makes a new generation, and the next search sees the new alias.
    client.get("/articles/?q=PCS")
    with CaptureQueriesContext(connection) as context:
        client.get("/articles/?q=PCSU")
    assert not [q for q in context.captured_queries if "aliases" in q["sql"]]
    assert "says-mr-serwotka" not in _slugs(client.get("/articles/?q=civil+servants+union"))
    pcs.aliases += "\nCivil Servants Union"
    pcs.save()
    assert "says-pcs" in _slugs(client.get("/articles/?q=civil+servants+union"))
