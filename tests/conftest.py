"""Fixtures that build on each other: organisations, people and events, then articles about them."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from archive.models import Article, Event, Organisation, Person, Role

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _jinja2_pages_report_their_context():
    """The test client reads a page's context (`response.context`) from the signal Django's
    own engine sends when it renders; the public pages are Jinja2 templates
    (archive/templating.py), so their backend sends it too while the tests run."""
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def render_and_report(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return render(self, context, request)

    Template.render = render_and_report
    yield
    Template.render = render


@pytest.fixture(autouse=True)
def _no_page_copies_from_another_test():
    """Pages a process keeps (page_cache) are marked with a generation that another test's
    rolled-back database can have too."""
    yield
    from archive import page_cache

    page_cache._copies.clear()
    page_cache._asked.clear()


@pytest.fixture(autouse=True)
def _no_count_index_from_another_test():
    """The count index a process keeps (counts._latest) is marked with a generation that
    another test's rolled-back database can have too: kept, it would stand for articles this
    test does not have, and hide that nothing was stored for this one."""
    yield
    from archive import counts

    counts._latest.clear()
    counts._awaited.clear()


@pytest.fixture(autouse=True)
def _match_table_of_a_fresh_request():
    """Each test starts as a new request would: a search one test ran outside a request (whose
    rows its rolled-back transaction took away) leaves nothing for the next test to empty."""
    yield
    from django.db import connection

    connection.archive_search_rows = False


@pytest.fixture
def pcs(db):
    return Organisation.objects.create(
        name="Public and Commercial Services Union",
        slug="pcs",
        abbreviation="PCS",
        kind=Organisation.Kind.TRADE_UNION,
        aliases="PCSU\nPublic and Commercial Services (PCS) union",
    )


@pytest.fixture
def tuc(db):
    return Organisation.objects.create(
        name="Trades Union Congress",
        slug="tuc",
        abbreviation="TUC",
        kind=Organisation.Kind.FEDERATION,
    )


@pytest.fixture
def treasury(db):
    return Organisation.objects.create(
        name="HM Treasury", slug="hm-treasury", kind=Organisation.Kind.GOVERNMENT
    )


@pytest.fixture
def serwotka(pcs):
    person = Person.objects.create(name="Mark Serwotka", slug="mark-serwotka")
    Role.objects.create(person=person, organisation=pcs, title="general secretary")
    return person


@pytest.fixture
def n30(tuc, pcs):
    event = Event.objects.create(
        name="Public-sector pensions strike",
        slug="public-sector-pensions-strike-2011",
        kind=Event.Kind.STRIKE,
        start_date=dt.date(2011, 11, 30),
    )
    event.organisations.set([tuc, pcs])
    return event


def make_article(**fields) -> Article:
    """An article saved through the model, so its derived fields are made as editors' are."""
    organisations = fields.pop("organisations", [])
    people = fields.pop("people", [])
    events = fields.pop("events", [])
    title = fields.setdefault("title", "A strike is called")
    fields.setdefault("slug", title.lower().replace(" ", "-")[:50])
    fields.setdefault("original", f"{title}\n\nThe union called a strike over pay.")
    fields.setdefault("original_format", Article.Format.TEXT)
    fields.setdefault("status", Article.Status.PUBLISHED)
    article = Article(**fields)
    article.save()
    article.organisations.set(organisations)
    article.people.set(people)
    article.events.set(events)
    return article


@pytest.fixture
def article_factory(db):
    return make_article


@pytest.fixture
def published_article(pcs, tuc, serwotka, n30):
    return make_article(
        title="Civil servants strike over pensions",
        slug="civil-servants-strike-over-pensions",
        standfirst="PCS members walk out.",
        source="The Guardian",
        published_date=dt.date(2011, 11, 30),
        original="<p>PCS members <b>walked out</b> today.</p><p>The TUC backed them.</p>",
        original_format=Article.Format.HTML,
        organisations=[pcs, tuc],
        people=[serwotka],
        events=[n30],
    )


@pytest.fixture
def draft_article(pcs):
    return make_article(
        title="Unpublished ballot result",
        slug="unpublished-ballot-result",
        status=Article.Status.DRAFT,
        published_date=dt.date(2013, 4, 7),
        organisations=[pcs],
    )


@pytest.fixture
def editor(db, django_user_model):
    """A staff user in the Editors group, without superuser rights."""
    user = django_user_model.objects.create_user(
        username="editor", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def demo_corpus(db):
    """The demo fixtures, loaded as `make run` loads them."""
    from django.core.management import call_command

    call_command("loaddata", str(REPO / "fixtures" / "demo.json"), verbosity=0)


@pytest.fixture
def unite(db):
    """A union whose name is also an everyday verb."""
    return Organisation.objects.create(
        name="Unite",
        slug="unite",
        kind=Organisation.Kind.TRADE_UNION,
        aliases="Unite the Union",
    )


@pytest.fixture
def write_file(tmp_path):
    """Writes a file to import and gives its path: write_file("a.txt", "text" or b"bytes")."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def articles(pcs, tuc):
    """Six published articles, each with "strike", "members", "ballot" and "say" in it, half
    linked to PCS and half to the TUC, over three years (the search tests' archive; a module
    may define its own `articles` instead)."""
    return [
        make_article(
            title=f"Strike day {i}",
            slug=f"strike-{i}",
            published_date=dt.date(2010 + i % 3, 1 + i % 12, 1),
            original=f"Members strike again, ballot number {i}. Some say so.",
            organisations=[pcs if i % 2 else tuc],
        )
        for i in range(6)
    ]


@pytest.fixture
def reads(monkeypatch):
    """A True each time a search reads its matches from the database (newest first)."""
    from archive import search

    engine = type(search.backend())
    found = []
    real = engine.newest_matches
    monkeypatch.setattr(
        engine, "newest_matches", lambda self, *a, **k: found.append(True) or real(self, *a, **k)
    )
    return found
