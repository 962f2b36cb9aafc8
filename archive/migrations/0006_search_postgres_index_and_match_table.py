"""Search on PostgreSQL, and the model of the per-request match table.

On PostgreSQL: a text search configuration `archive_english` (English Snowball stemming, no
stop words, accents folded, as SQLite's FTS5 index does), a stored tsvector column generated
from the article's text with weights (title A, standfirst and byline B, body D) and a GIN index
on it. The column is the database's to keep: Django's model does not know it, so it is never
loaded with an article. archive.search.postgres owns these names. SQLite gets its index from
migration 0003.

SearchMatch is unmanaged: its table is a temporary one archive.search makes per connection.
article_lookup_idx lets SQLite join many matches to the articles without reading their rows.
"""

import django.db.models.deletion
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

FORWARDS = [
    "CREATE TEXT SEARCH DICTIONARY archive_english_stem (TEMPLATE = snowball, LANGUAGE = english)",
    "CREATE TEXT SEARCH CONFIGURATION archive_english (COPY = pg_catalog.english)",
    """ALTER TEXT SEARCH CONFIGURATION archive_english
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, archive_english_stem""",
    """ALTER TABLE archive_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('archive_english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('archive_english',
                                 coalesce(standfirst, '') || ' ' || coalesce(byline, '')), 'B')
        || setweight(to_tsvector('archive_english', coalesce(body_text, '')), 'D')
    ) STORED""",
    "CREATE INDEX archive_article_search_idx ON archive_article USING GIN (search_vector)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS archive_article_search_idx",
    "ALTER TABLE archive_article DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_english",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS archive_english_stem",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_article_first_published_at")]

    operations = [
        UnaccentExtension(),  # does nothing on other databases
        migrations.RunPython(create_index, drop_index),
        migrations.CreateModel(
            name="SearchMatch",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_match",
                        serialize=False,
                        to="archive.article",
                    ),
                ),
                ("search_id", models.IntegerField()),
                ("rank", models.FloatField()),
            ],
            options={"db_table": "search_match", "managed": False},
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["id", "status", "published_date", "year", "month", "source"],
                name="article_lookup_idx",
            ),
        ),
    ]
