"""The rows a list shows are read with a statement compiled once (listing.articles_in_order)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from archive.listing import LIST_FIELDS, articles_in_order
from archive.migrations import _fts
from archive.migrations._layout import LONG_TEXTS
from archive.models import Article, Organisation
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_listed_articles_have_the_values_the_orm_reads_in_the_order_asked(published_article):
    other = make_article(title="Undated", slug="undated", byline="A. Writer")
    draft = make_article(title="Draft", slug="draft", status=Article.Status.DRAFT)
    listed = articles_in_order([other.pk, draft.pk, published_article.pk, 10_000])
    assert [article.pk for article in listed] == [other.pk, published_article.pk]  # no draft
    for article in listed:
        expected = Article.objects.get(pk=article.pk)
        for field in Article._meta.concrete_fields:
            if field.name not in LIST_FIELDS:
                assert field.attname in article.get_deferred_fields()
                continue
            value = getattr(article, field.attname)
            assert value == getattr(expected, field.attname), field.name
            assert type(value) is type(getattr(expected, field.attname)), field.name
    assert listed[1].published_date == dt.date(2011, 11, 30)
    assert listed[1].first_published_at.tzinfo is not None


def test_lists_of_every_length_read_their_rows(client, published_article):
    made = [make_article(title=f"Story {n}", slug=f"story-{n}") for n in range(25)]
    for count in (1, 2, 20, 25):
        ids = [article.pk for article in made[:count]]
        assert [article.pk for article in articles_in_order(ids)] == ids


def test_the_article_page_reads_a_published_article_by_slug_as_the_orm_does(published_article):
    from archive.models import published_article as by_slug

    draft = make_article(title="Draft", slug="draft", status=Article.Status.DRAFT)
    found = by_slug(published_article.slug)
    # Never shown, and an original can be a hundred times the text: left unread.
    assert {"original", "text_sketch", "created_at"} <= found.get_deferred_fields()
    expected = Article.objects.get(pk=published_article.pk)
    for field in Article._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert by_slug(draft.slug) is None and by_slug("no-such-article") is None
    found.title = "Corrected"
    found.save()  # an instance it made saves like any other
    assert Article.objects.get(pk=found.pk).title == "Corrected"


def _teaser_cases():
    """Texts whose teaser is cut in each way: a short first paragraph, a long one, a first
    paragraph longer than the opening a list reads, one word over the whole opening."""
    word = "solidarity"
    return {
        "short": "Members walked out.\n\n" + " ".join([word] * 500),
        "long": " ".join(f"{word}{n}" for n in range(300)) + "\n\nSecond paragraph.",
        "exact": " ".join(["pay"] * 40) + "\n\n" + " ".join([word] * 300),
        "one paragraph": " ".join(f"w{n}" for n in range(30)),
        "beyond the opening": "x" * 995 + " tailspin at the end of a long first paragraph",
        "a paragraph ends where the opening does": "y" * 999 + "\n\nSecond.",
    }


def test_a_lists_teaser_is_the_one_the_whole_text_gives_from_its_opening_alone(db):
    made = {
        name: make_article(title=name.title(), slug=name.replace(" ", "-"), original=text)
        for name, text in _teaser_cases().items()
    }
    listed = articles_in_order([article.pk for article in made.values()])
    for article in listed:
        assert "body_text" not in article.__dict__  # read: its opening only
        whole = Article.objects.get(pk=article.pk)
        if article.slug == "beyond-the-opening":  # its second word cut: left out
            assert article.teaser == "x" * 995 + "…"
        else:
            assert article.teaser == whole.teaser, article.slug
    assert listed[0].teaser == "Members walked out."


def test_a_list_reads_no_text_of_an_article_whose_standfirst_it_shows(db):
    with_standfirst = make_article(
        title="Standfirst",
        slug="standfirst",
        standfirst="PCS members walk out.",
        original="Standfirst\n\n" + "The union called a strike. " * 200,
    )
    without = make_article(title="Opening", slug="opening", original="Members walked out.")
    listed = articles_in_order([with_standfirst.pk, without.pk])
    assert [article.teaser for article in listed] == [
        "PCS members walk out.",
        "Members walked out.",
    ]
    # The opening is read only where the teaser is made from it (PostgreSQL keeps the text
    # apart from the row: reading it for every listed article doubled the list's reads).
    assert [article.__dict__["text_opening"] for article in listed] == ["", "Members walked out."]


def test_a_list_reads_only_the_opening_of_each_text_and_a_search_the_whole(client, settings, db):
    settings.ARCHIVE_PAGE_CACHE = False
    for n in range(3):
        make_article(title=f"Strike {n}", slug=f"strike-{n}", original=f"Strike {n}. " * 400)
    browsed = client.get("/articles/")
    assert all("body_text" not in a.__dict__ for a, _ in browsed.context["results"])
    searched = client.get("/articles/?q=strike")
    rows = searched.context["results"]
    assert rows and all("body_text" in a.__dict__ for a, _ in rows)
    assert all(snippet for _, snippet in rows)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the row layout is SQLite's")
def test_sqlite_rows_hold_the_listed_columns_before_the_long_texts():
    # SQLite reads a row's overflow pages one after another up to the last column asked for:
    # with the long texts last, a list reads each article's own page, not its whole chain.
    columns = [
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), Article._meta.db_table
        )
    ]
    long_texts = list(LONG_TEXTS)
    assert columns[-len(long_texts) :] == long_texts
    assert set(LIST_FIELDS) <= set(columns[: -len(long_texts)])
    # So recorded in the migrations too: a later migration that makes SQLite rebuild the
    # table keeps the order.
    recorded = MigrationLoader(connection).project_state().models["archive", "article"]
    assert list(recorded.fields)[-len(long_texts) :] == long_texts


def _columns() -> list[str]:
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _schema() -> set[tuple[str, str]]:
    """The indexes, constraints' indexes and triggers of the article table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE tbl_name = %s AND type != 'table'",
            [Article._meta.db_table],
        )
        return set(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the row layout is SQLite's")
@pytest.mark.django_db(transaction=True)
def test_moving_the_long_texts_keeps_every_article_its_links_and_its_search(client):
    pcs = Organisation.objects.create(name="PCS", slug="pcs", kind=Organisation.Kind.TRADE_UNION)
    article = make_article(
        title="Dockers walk out", slug="dockers", original="Dockers walk out.", organisations=[pcs]
    )
    schema = _schema()
    before, after = "0016_count_index_rebuild_requested", "0017_article_long_texts_last_on_sqlite"
    executor = MigrationExecutor(connection)
    executor.migrate([("archive", before)])
    # Back to the layout of before the move, as an archive made before it has.
    old = executor.loader.project_state(("archive", before)).apps.get_model("archive", "Article")
    with connection.schema_editor() as editor:
        editor._remake_table(old)
        _fts.restore(None, editor)
    assert _columns()[-len(LONG_TEXTS) :] != list(LONG_TEXTS)
    newest = make_article(title="Withdrawn", slug="withdrawn")
    newest_id = newest.pk
    newest.delete()  # its id stays given: a new article must not take it
    MigrationExecutor(connection).migrate([("archive", after)])

    assert _columns()[-len(LONG_TEXTS) :] == list(LONG_TEXTS)
    assert _schema() == schema
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_key_check")
        assert cursor.fetchall() == []
    kept = Article.objects.get(pk=article.pk)
    for field in Article._meta.concrete_fields:
        assert getattr(kept, field.attname) == getattr(article, field.attname), field.name
    assert list(kept.organisations.all()) == [pcs]
    assert "Dockers walk out" in client.get("/articles/?q=dockers").content.decode()
    kept.title, kept.slug = "Miners walk out", "miners"
    kept.save()  # the full-text index's triggers are back: changes are searchable
    added = make_article(title="Nurses ballot", slug="nurses")
    assert added.pk > newest_id
    assert "Miners walk out" in client.get("/articles/?q=miners").content.decode()
    assert "Nurses ballot" in client.get("/articles/?q=nurses").content.decode()
