"""On PostgreSQL, keep an article's long texts out of its table row (in TOAST).

A search that matches a hundred thousand articles reads each matching row to learn its id
(GIN indexes point at rows). With the bodies inline, 100,000 articles fill ~20,000 pages
(156 MB) and that read took ~100 ms; with every long value stored apart the rows fill ~3,000
pages (24 MB) and it takes ~30 ms. List pages never read the bodies; the article page
fetches its one row's texts from TOAST.

Rows written before this migration keep their layout until they are next written; to
rewrite an existing archive at once, run `VACUUM FULL archive_article` (it locks the table
while it runs: minutes for a million articles).
"""

from django.db import migrations

TARGET = 128  # bytes: PostgreSQL's smallest toast_tuple_target


def store_apart(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE archive_article SET (toast_tuple_target = {TARGET})")


def store_inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE archive_article RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("archive", "0014_article_date_inferred_from")]

    operations = [migrations.RunPython(store_apart, store_inline, elidable=False)]
