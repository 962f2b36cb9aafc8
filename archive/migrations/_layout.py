"""Keep an article's long texts at the end of its row on SQLite (migration 0017).

SQLite keeps a row's first few KB in the table's page and the rest in a chain of overflow
pages, read one after the other to reach a column beyond them. Lists read an article's short
columns and the opening of its text; with the long texts last, the text first among them, most
listed rows are read from their own page.

Any later migration that adds or alters a column of articles puts that column at the end of the
table on SQLite (Django rebuilds the table or appends the column): end it with
`LongTextsLast()` instead of `fts.restore`, which it calls itself after its own rebuild
(tests/test_listed_rows.py checks the order).
"""

from django.db import migrations

from archive.migrations import _fts as fts

# In the order they go at the end: the text (lists read its opening), then what only the
# article page and the editors read.
LONG_TEXTS = ("body_text", "body_html", "original", "text_sketch")


class LongTextsLast(migrations.operations.base.Operation):
    """Move the long texts to the end of the article's fields: in the migrations' record of
    the model (a table SQLite rebuilds later follows it) and, on SQLite, in its table, which
    is rebuilt (copied, dropped, renamed: Django's own way of changing a SQLite table)."""

    reversible = True

    def state_forwards(self, app_label, state):
        fields = state.models[app_label, "article"].fields
        for name in LONG_TEXTS:
            fields[name] = fields.pop(name)
        state.reload_model(app_label, "article", delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return
        model = to_state.apps.get_model(app_label, "Article")
        table = model._meta.db_table
        # Dropping the old table forgets the highest id ever given: without it, a deleted
        # newest article's id (its permanent address, its history) would be given again.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            given = cursor.fetchone()
        schema_editor._remake_table(model)  # the columns in the order the record now gives
        if given is not None:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                    [given[0], table],
                )
                if not cursor.rowcount:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                        [table, given[0]],
                    )
        fts.restore(to_state.apps, schema_editor)  # the rebuild dropped the index's triggers

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # the order changes no result: going back leaves the table as it is

    def describe(self):
        return "Move the article's long texts to the end of its row"
