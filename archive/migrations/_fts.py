"""Put the SQLite full-text index back after a migration that rebuilds archive_article.

SQLite cannot add a NOT NULL column in place, so Django rebuilds the table, and a rebuild drops
the triggers that keep archive_article_fts in step (0003). A migration that adds a column to
articles ends with `_layout.LongTextsLast()`, which keeps the long texts at the end of the row
and then puts the index back with `restore`.
"""

import importlib

_index = importlib.import_module("archive.migrations.0003_article_full_text_index")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in (*_index.DROP, *_index.CREATE):
            schema_editor.execute(statement)
