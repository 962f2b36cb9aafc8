"""Organisation, person and event pages, their indexes, and the timeline."""

import datetime as dt

import pytest

from archive.models import Event, Organisation, Role
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_organisations_index_groups_by_kind_with_article_counts(
    client, published_article, treasury
):
    make_article(title="Budget", slug="budget", organisations=[treasury])
    response = client.get("/organisations/")
    groups = dict(response.context["groups"])
    assert [o.slug for o in groups["Trade union"]] == ["pcs"]
    assert groups["Government body"][0].article_count == 1
    assert [o.slug for o in groups["Government body"]] == ["hm-treasury"]
    pcs = groups["Trade union"][0]
    assert pcs.article_count == 1
    assert list(groups) == ["Trade union", "Union federation", "Government body"]


def test_organisation_page_shows_kind_aliases_people_events_and_articles(
    client, published_article, draft_article, tuc
):
    pcs = Organisation.objects.get(slug="pcs")
    pcs.parent = tuc
    pcs.save()
    page = client.get("/organisations/pcs/").content.decode()
    for expected in (
        "Trade union",
        "PCSU",
        'href="/people/mark-serwotka/"',
        "general secretary",
        'href="/events/public-sector-pensions-strike-2011/"',
        published_article.title,
        'href="/organisations/tuc/"',
        'href="/articles/?union=pcs"',
        'href="/articles/?union=pcs&amp;year=2011"',  # the histogram bar
    ):
        assert expected in page, expected
    assert draft_article.title not in page


def test_organisation_that_is_not_a_union_links_to_the_organisation_filter(client, treasury):
    make_article(
        title="Budget", slug="budget", organisations=[treasury], published_date=dt.date(2013, 3, 20)
    )
    page = client.get("/organisations/hm-treasury/").content.decode()
    assert 'href="/articles/?org=hm-treasury"' in page


def test_roles_over_time_are_shown_with_their_dates(client, published_article, serwotka, pcs):
    Role.objects.filter(person=serwotka).update(start_date=dt.date(2000, 1, 1))
    Role.objects.create(
        person=serwotka,
        organisation=pcs,
        title="deputy",
        start_date=dt.date(1995, 1, 1),
        end_date=dt.date(1999, 1, 1),
    )
    page = client.get("/people/mark-serwotka/").content.decode()
    assert "(from 2000)" in page and "(1995–1999)" in page
    assert page.index("Deputy") < page.index("General secretary")


def test_person_page_shows_roles_organisations_and_articles(client, published_article):
    page = client.get("/people/mark-serwotka/").content.decode()
    assert "General secretary" in page
    assert 'href="/organisations/pcs/"' in page
    assert published_article.title in page
    assert 'href="/articles/?person=mark-serwotka"' in page


def test_people_index_lists_everyone_with_a_role_and_counts(client, published_article):
    page = client.get("/people/").content.decode()
    assert 'href="/people/mark-serwotka/"' in page
    assert "general secretary, PCS" in page
    assert "1 article" in page


def test_event_page_shows_dates_location_organisations_and_articles(client, published_article, n30):
    n30.location = "United Kingdom"
    n30.end_date = dt.date(2011, 12, 1)
    n30.save()
    page = client.get(n30.get_absolute_url()).content.decode()
    for expected in (
        "30 November 2011",
        "1 December 2011",
        "United Kingdom",
        'href="/organisations/pcs/"',
        published_article.title,
        'href="/articles/?event=public-sector-pensions-strike-2011"',
    ):
        assert expected in page, expected


def test_timeline_lists_every_event_in_date_order(client, n30, tuc):
    earlier = Event.objects.create(
        name="Earlier march", slug="earlier", kind="march", start_date=dt.date(2011, 3, 26)
    )
    later = Event.objects.create(
        name="Later ballot", slug="later", kind="ballot", start_date=dt.date(2013, 4, 8)
    )
    make_article(title="Three events", slug="three", events=[earlier, n30, later])
    page = client.get("/events/").content.decode()
    assert (
        page.index("Earlier march")
        < page.index("Public-sector pensions strike")
        < page.index("Later ballot")
    )


def test_timeline_filters_by_union(client, n30, tuc, pcs):
    unison = Organisation.objects.create(name="Unison", slug="unison", kind="trade_union")
    other = Event.objects.create(
        name="Unison ballot", slug="unison-ballot", kind="ballot", start_date=dt.date(2012, 1, 1)
    )
    other.organisations.set([unison])
    make_article(
        title="Two events", slug="two", events=[n30, other], organisations=[unison, tuc, pcs]
    )
    page = client.get("/events/?union=unison").content.decode()
    assert "Unison ballot" in page and "Public-sector pensions strike" not in page
    page = client.get("/events/?union=unison&union=pcs").content.decode()
    assert "Unison ballot" in page and "Public-sector pensions strike" in page
    response = client.get("/events/")
    counts = {v.value: v.count for v in response.context["unions"]}
    assert counts == {"pcs": 1, "tuc": 1, "unison": 1}


def test_timeline_names_the_chosen_unions_and_links_event_articles(client, published_article, n30):
    page = client.get("/events/?union=pcs").content.decode()
    assert "<title>Timeline: PCS · Reading Room</title>" in page
    assert 'href="/articles/?event=public-sector-pensions-strike-2011">1 article</a>' in page
