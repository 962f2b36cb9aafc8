"""An organisation's page reads its family, roles and events in one statement
(Organisation.relations): the same rows, in the same order, as the ORM's own queries."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from archive.models import Event, Organisation, Person, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(pcs, tuc):
    """PCS with members (one also its successor), a successor alone, roles dated and undated,
    and events on several dates; other organisations' links beside them."""
    org = Organisation.objects.create
    org(name="Zeta branch", slug="zeta", parent=pcs)
    org(name="Alpha branch", slug="alpha", abbreviation="AB", parent=pcs, predecessor=pcs)
    org(name="Successor union", slug="successor", predecessor=pcs)
    org(name="Unrelated", slug="unrelated", parent=tuc)
    people = [Person.objects.create(name=f"Person {n}", slug=f"person-{n}") for n in range(4)]
    Role.objects.create(person=people[0], organisation=pcs, title="president",
                        start_date=dt.date(2001, 5, 1), end_date=dt.date(2004, 1, 1))  # fmt: skip
    Role.objects.create(person=people[1], organisation=pcs, title="treasurer")
    Role.objects.create(person=people[2], organisation=pcs, title="chair",
                        start_date=dt.date(1999, 1, 1))  # fmt: skip
    Role.objects.create(person=people[3], organisation=tuc, title="chair")
    for n, day in enumerate([dt.date(2011, 11, 30), dt.date(1990, 3, 2), dt.date(2005, 6, 7)]):
        event = Event.objects.create(
            name=f"Event {n}", slug=f"event-{n}", start_date=day,
            end_date=day + dt.timedelta(days=n), kind=Event.Kind.STRIKE,
        )  # fmt: skip
        event.organisations.set([pcs] if n != 1 else [pcs, tuc])
    Event.objects.create(name="Elsewhere", slug="elsewhere", start_date=dt.date(2000, 1, 1),
                         kind=Event.Kind.STRIKE).organisations.set([tuc])  # fmt: skip
    return pcs


def test_an_organisations_relations_are_the_rows_the_orm_reads_in_one_statement(family):
    with CaptureQueriesContext(connection) as queries:
        related = family.relations()
    assert len(queries) == 1

    children = Organisation.objects.filter(parent=family).order_by("name")
    successors = Organisation.objects.filter(predecessor=family).order_by("name")
    assert [o.pk for o in related.children] == [o.pk for o in children]
    assert [o.pk for o in related.successors] == [o.pk for o in successors]
    for found, expected in zip(related.children, children, strict=True):
        assert (found.name, found.slug, found.abbreviation) == (
            expected.name, expected.slug, expected.abbreviation
        )  # fmt: skip
        assert found.get_absolute_url() == expected.get_absolute_url()

    roles = list(Role.objects.filter(organisation=family).select_related("person"))
    assert [r.title for r in roles] == ["treasurer", "chair", "president"]  # undated first
    assert [(r.person.pk, r.title, r.start_date, r.end_date, r.period) for r in related.roles] == [
        (r.person.pk, r.title, r.start_date, r.end_date, r.period) for r in roles
    ]
    assert [r.person.get_absolute_url() for r in related.roles] == [
        r.person.get_absolute_url() for r in roles
    ]

    events = list(family.events.order_by("start_date"))
    assert [(e.pk, e.name, e.start_date, e.end_date) for e in related.events] == [
        (e.pk, e.name, e.start_date, e.end_date) for e in events
    ]
    assert all(type(e.start_date) is dt.date for e in related.events)


def test_an_organisation_with_no_relations_has_empty_lists(treasury):
    related = treasury.relations()
    assert (related.children, related.successors, related.roles, related.events) == (
        [], [], [], []
    )  # fmt: skip
    assert not Organisation.objects.filter(Q(parent=treasury) | Q(predecessor=treasury)).exists()


def test_the_organisation_page_lists_its_relations_in_their_order(
    client, family, published_article
):
    published_article.organisations.add(*Organisation.objects.all())
    published_article.people.add(*Person.objects.all())
    published_article.events.add(*Event.objects.all())
    page = client.get(family.get_absolute_url()).content.decode()
    names = ["AB", "Zeta branch", "Person 1", "Person 2", "Person 0", "Event 1", "Event 2",
             "Event 0"]  # fmt: skip
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Unrelated" not in page and "Elsewhere" not in page and "Person 3" not in page


def test_relations_named_only_in_drafts_are_shown_to_editors_not_readers(
    client, editor, family, published_article
):
    """The public sees the members, successors, people and events that a published article
    names; the rest are drafts' business. An editor sees them all."""
    from archive.models import Article
    from tests.conftest import make_article

    published_article.organisations.add(family)
    shown = ["AB", "Person 1", "Event 1"]
    hidden = ["Zeta branch", "Successor union", "Person 2", "Person 0", "Event 2", "Event 0"]
    published_article.organisations.add(Organisation.objects.get(name="Alpha branch"))
    published_article.people.add(Person.objects.get(name="Person 1"))
    published_article.events.add(Event.objects.get(name="Event 1"))
    draft = make_article(title="Draft", slug="draft-only", status=Article.Status.DRAFT)
    draft.organisations.add(*Organisation.objects.all())
    draft.people.add(*Person.objects.all())
    draft.events.add(*Event.objects.all())

    page = client.get(family.get_absolute_url()).content.decode()
    assert all(name in page for name in shown)
    assert not any(name in page for name in hidden)
    client.force_login(editor)
    page = client.get(family.get_absolute_url()).content.decode()
    assert all(name in page for name in shown + hidden)
