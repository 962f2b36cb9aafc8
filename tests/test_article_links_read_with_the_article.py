"""The article page reads the article and what it names in one statement (Article.linked from
the article's own read), in the order a separate read gives."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Event, Organisation, Person, published_article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def _names(linked) -> list[list[tuple]]:
    return [
        [(o.pk, o.name, o.slug, o.abbreviation) for o in linked.organisations],
        [(p.pk, p.name, p.slug) for p in linked.people],
        [(e.pk, e.name, e.slug, e.start_date) for e in linked.events],
    ]


def test_an_articles_links_read_with_it_are_those_read_apart_in_the_same_order():
    organisations = [
        Organisation.objects.create(name=name, slug=slug, abbreviation=abbreviation)
        for name, slug, abbreviation in [
            ("Unite", "unite", ""),
            ("Public and Commercial Services Union", "pcs", "PCS"),
            ("Équité “Union” & <Co>", "equite", "É&Q"),
        ]
    ]
    people = [
        Person.objects.create(name=name, slug=slug)
        for name, slug in [("Mark Serwotka", "mark"), ("Ann O'Brien", "ann"), ("Zoë Ng", "zoe")]
    ]
    events = [
        Event.objects.create(name=name, slug=slug, start_date=start)
        for name, slug, start in [
            ("Later strike", "later", dt.date(2011, 11, 30)),
            ("Earlier strike", "earlier", dt.date(1984, 3, 12)),
            ("Same day, A", "same-a", dt.date(2011, 11, 30)),
        ]
    ]
    article = make_article(
        title="Strike day", organisations=organisations, people=people, events=events
    )

    with CaptureQueriesContext(connection) as queries:
        read = published_article(article.slug)
        together = read.linked()
    assert len(queries) == 1
    apart = Article.objects.get(pk=article.pk).linked()
    assert _names(together) == _names(apart)
    assert [e.slug for e in together.events] == ["earlier", "later", "same-a"]  # by date, then name
    assert together.events[0].start_date == dt.date(1984, 3, 12)


def test_an_article_that_names_nothing_reads_no_links():
    article = make_article(title="Quiet day")
    read = published_article(article.slug)
    linked = read.linked()
    assert (linked.organisations, linked.people, linked.events) == ([], [], [])
