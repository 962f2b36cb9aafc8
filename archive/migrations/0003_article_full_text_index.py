"""A full-text index of articles for the reading room's search (SQLite FTS5).

Kept in step with archive_article by triggers, so every write - the admin, the importer,
loaddata - updates it. Other databases get their search from archive.search without it.
"""

from django.db import migrations

COLUMNS = "title, standfirst, byline, body_text"
NEW = "new.id, new.title, new.standfirst, new.byline, new.body_text"
OLD = "old.id, old.title, old.standfirst, old.byline, old.body_text"

CREATE = [
    f"""CREATE VIRTUAL TABLE archive_article_fts USING fts5(
        {COLUMNS},
        content='archive_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER archive_article_fts_insert AFTER INSERT ON archive_article BEGIN
        INSERT INTO archive_article_fts(rowid, {COLUMNS}) VALUES ({NEW});
    END""",
    f"""CREATE TRIGGER archive_article_fts_delete AFTER DELETE ON archive_article BEGIN
        INSERT INTO archive_article_fts(archive_article_fts, rowid, {COLUMNS})
        VALUES ('delete', {OLD});
    END""",
    f"""CREATE TRIGGER archive_article_fts_update
        AFTER UPDATE OF {COLUMNS} ON archive_article BEGIN
        INSERT INTO archive_article_fts(archive_article_fts, rowid, {COLUMNS})
        VALUES ('delete', {OLD});
        INSERT INTO archive_article_fts(rowid, {COLUMNS}) VALUES ({NEW});
    END""",
    "INSERT INTO archive_article_fts(archive_article_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS archive_article_fts_update",
    "DROP TRIGGER IF EXISTS archive_article_fts_delete",
    "DROP TRIGGER IF EXISTS archive_article_fts_insert",
    "DROP TABLE IF EXISTS archive_article_fts",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_editors_group")]

    operations = [migrations.RunPython(create_index, drop_index)]
