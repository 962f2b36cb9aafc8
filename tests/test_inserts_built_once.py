"""The importer's inserts are built once and write the rows the ORM's create() and bulk_create()
write (archive.inserts)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Revision, Version

from archive.inserts import Insert
from archive.models import Article, FormerAddress
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2011, 11, 30, 9, 30, 15, 123456, tzinfo=dt.UTC)
REVISION_FIELDS = ["date_created", "user", "comment"]
VERSION_FIELDS = ["revision", "object_id", "content_type", "db", "format", "serialized_data"]


def _rows(model, ids, fields):
    return list(model.objects.filter(pk__in=ids).order_by("pk").values_list(*fields))


def test_a_row_inserted_once_built_is_the_row_create_writes(editor):
    made = Revision.objects.create(date_created=WHEN, user=editor, comment="Imported “x” & y")
    inserted = Revision(date_created=WHEN, user=editor, comment="Imported “x” & y")
    Insert(Revision, REVISION_FIELDS).one(inserted)
    assert inserted.pk is not None and inserted.pk != made.pk
    assert not inserted._state.adding
    fields = [*REVISION_FIELDS[:2], "user_id", "comment"]
    assert _rows(Revision, [inserted.pk], fields) == _rows(Revision, [made.pk], fields)
    assert Revision.objects.get(pk=inserted.pk).date_created == WHEN


def test_rows_inserted_together_are_the_rows_bulk_create_writes(editor):
    article = make_article()
    kind = ContentType.objects.get_for_model(Article)

    def versions():
        revision = Revision.objects.create(date_created=WHEN, user=None, comment="")
        return [
            Version(
                revision=revision,
                object_id=str(article.pk + n),
                content_type=kind,
                db="default",
                format="json",
                serialized_data=f'[{{"n": {n}, "text": "£ ü \\u2028"}}]',
                object_repr=str(article),
            )
            for n in range(3)
        ]

    made = Version.objects.bulk_create(versions())
    inserted = versions()
    insert = Insert(Version, [*VERSION_FIELDS, "object_repr"])
    with CaptureQueriesContext(connection) as queries:
        insert.many(inserted)
    assert len(queries) == 1  # the rows go in one statement
    made_ids = [v.pk for v in made]
    inserted_ids = list(Version.objects.exclude(pk__in=made_ids).values_list("pk", flat=True))
    assert len(inserted_ids) == 3
    compared = VERSION_FIELDS[1:]  # each set in its own revision
    assert _rows(Version, inserted_ids, compared) == _rows(Version, made_ids, compared)


def test_the_statement_is_built_for_the_first_row_and_reused():
    insert = Insert(Revision, REVISION_FIELDS)
    for number in range(3):
        insert.one(Revision(date_created=WHEN, comment=f"file {number}"))
    assert len(insert._sql) == 1
    assert Revision.objects.filter(comment__startswith="file ").count() == 3


def test_a_time_field_is_the_time_of_its_own_rows_insert(monkeypatch):
    """An auto_now field's pre_save gives a new time whenever it is asked (the statement is
    built from a copy of the first row): each row holds the time it was prepared with, and so
    does its object."""
    ticks = iter(range(1, 100))
    monkeypatch.setattr(timezone, "now", lambda: WHEN + dt.timedelta(seconds=next(ticks)))
    insert = Insert(FormerAddress, ["kind", "slug", "object_id", "recorded_at"])
    rows = [FormerAddress(kind="article", slug=f"old-{n}", object_id=n) for n in range(3)]
    for row in rows:
        insert.one(row)
    stored = dict(FormerAddress.objects.values_list("pk", "recorded_at"))
    assert [stored[row.pk] for row in rows] == [row.recorded_at for row in rows]
    assert len(set(stored.values())) == 3


def test_a_statement_that_takes_other_values_is_refused():
    """The ORM's statement is checked against the values prepared for the first row."""

    class Otherwise(Insert):  # prepares the comment otherwise than the ORM does
        def _values(self, obj, connection):
            return [*super()._values(obj, connection)[:2], "another comment"]

    insert = Otherwise(Revision, REVISION_FIELDS)
    with pytest.raises(ValueError, match="takes other values"):
        insert.one(Revision(date_created=WHEN, comment="x"))


def test_an_article_saved_is_inserted_with_the_statement_built_once(monkeypatch):
    """Article.save() inserts new rows with one statement built once (archive.inserts):
    the rows and objects are those the ORM's insert gives, times included."""
    from archive import inserts

    monkeypatch.setattr(inserts, "_PREPARED", {})
    built = []

    class Counted(inserts.InsertQuery):
        def __init__(self, *args, **kwargs):
            built.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(inserts, "InsertQuery", Counted)
    first = make_article(title="First of two", slug="first-of-two")
    second = make_article(title="Second of two", slug="second-of-two")
    assert built == [Article]  # built for the first, used again for the second
    for article in (first, second):
        stored = Article.objects.get(pk=article.pk)
        assert (stored.title, stored.created_at, stored.updated_at, stored.version) == (
            article.title,
            article.created_at,
            article.updated_at,
            article.version,
        )
        assert stored.body_text == article.body_text and stored.year == article.year


def test_an_article_given_an_expression_is_inserted_by_the_orm():
    """A value the database works out (an expression) is left to the ORM's own insert."""
    from django.db.models.functions import Upper

    article = make_article(title="quiet title", slug="quiet-title")
    copy = Article(
        title=Upper(models.Value("shouted title")),
        slug="shouted-title",
        original="Some text.",
        original_format=Article.Format.TEXT,
    )
    copy.prepare = lambda: None  # the expression goes to the database as it is
    copy.body_html, copy.body_text = article.body_html, article.body_text
    copy.save()
    assert Article.objects.get(pk=copy.pk).title == "SHOUTED TITLE"
