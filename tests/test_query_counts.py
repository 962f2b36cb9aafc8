"""At most 12 SQL queries on any public page, the same with few articles or many."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from archive.models import Event, Organisation, Person
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _archive(start: int, end: int):
    if not start:
        for i in range(10):
            kind = "trade_union" if i < 6 else "government"
            Organisation.objects.create(name=f"Org {i}", slug=f"org-{i}", kind=kind)
            Person.objects.create(name=f"Person {i}", slug=f"person-{i}")
        for i in range(5):
            Event.objects.create(
                name=f"Event {i}", slug=f"event-{i}", start_date=dt.date(2000, 1, i + 1)
            )
    orgs = list(Organisation.objects.order_by("id"))
    people = list(Person.objects.order_by("id"))
    events = list(Event.objects.order_by("id"))
    for i in range(start, end):
        make_article(
            title=f"Strike number {i}",
            slug=f"strike-{i}",
            source=f"Source {i % 3}",
            published_date=dt.date(1995 + i % 30, 1 + i % 12, 1 + i % 28),
            organisations=[orgs[i % 10], orgs[(i + 3) % 10]],
            people=[people[i % 10]],
            events=[events[i % 5]] if i % 5 == 0 else [],
        )


PAGES = [
    "/",
    "/articles/",
    "/articles/?union=org-1",
    "/articles/?union=org-1&year=2011",
    "/articles/?union=org-1&person=person-1",
    "/articles/?from=2003-03&to=2005-06-15",
    "/articles/?page=2",
    "/articles/?page=9999",
    "/articles/?q=strike",
    "/articles/?q=strike&union=org-1&year=2011&sort=relevance",
    "/articles/?q=strike&sort=oldest&all=person",
    "/articles/strike-1/",
    "/organisations/",
    "/organisations/org-1/",
    "/people/",
    "/people/person-1/",
    "/events/",
    "/events/?union=org-1",
    "/events/event-0/",  # the one event named in articles: others are not public
]


# Statements that read or write no data: the savepoint a search's time budget runs in (inside
# the test's transaction) and PostgreSQL's SET LOCAL statement_timeout for that budget.
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL")


def _control(sql: str) -> bool:
    return sql.startswith(CONTROL)


def _queries_per_page(client) -> dict[str, int]:
    client.get("/")  # the first request after a write rebuilds the count index
    found = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        found[url] = len([q for q in queries.captured_queries if not _control(q["sql"])])
    return found


@override_settings(ARCHIVE_PAGE_CACHE=False)
def test_every_public_page_makes_at_most_twelve_queries_the_same_at_any_size(client):
    _archive(0, 20)
    small = _queries_per_page(client)
    _archive(20, 100)
    large = _queries_per_page(client)
    assert large == small
    assert {url: n for url, n in large.items() if n > MAX_QUERIES} == {}
