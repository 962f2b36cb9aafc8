"""On SQLite, put an article's long texts at the end of its row, the text first among them.

SQLite keeps a row's first few KB in the table's page and the rest in a chain of overflow
pages, which must be read one after the other to reach a column beyond them. The list pages
read an article's short columns and the opening of its text; with the original, the clean
HTML and the text (about 7 KB together) in the middle of the row, every listed article cost
its page and its whole overflow chain: on a 100,000-article archive about 37 pages a list page,
read from the disk whenever the operating system had dropped them from memory, which made a
page several times slower on a machine whose disk was busy. With the short columns first and
the text right after them, most list rows are read from their own page.

The table is rebuilt (Django's own way of changing a SQLite table: copy, drop, rename), which
takes a while on a large archive (about a minute for 100,000 articles) and needs free disk
space for a second copy of the articles. PostgreSQL keeps long values apart already (0015).
"""

from django.db import migrations

from archive.migrations import _fts as fts

# In the order they go at the end: the text (lists read its opening), then what only the
# article page and the editors read.
LONG_TEXTS = ("body_text", "body_html", "original", "text_sketch")


class LongTextsLast(migrations.operations.base.Operation):
    """Move the long texts to the end of the article's fields: of its table on SQLite, and of
    the migrations' record of the model, so that a later migration that makes SQLite rebuild
    the table keeps this order too."""

    reversible = True

    def state_forwards(self, app_label, state):
        fields = state.models[app_label, "article"].fields
        for name in LONG_TEXTS:
            fields[name] = fields.pop(name)
        state.reload_model(app_label, "article", delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return
        # The rebuilt table has the fields in the order the record now gives.
        schema_editor._remake_table(to_state.apps.get_model(app_label, "Article"))
        fts.restore(to_state.apps, schema_editor)  # the rebuild dropped the index's triggers

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # the order changes no result: going back leaves the table as it is

    def describe(self):
        return "Move the article's long texts to the end of its row"


class Migration(migrations.Migration):
    dependencies = [("archive", "0016_count_index_rebuild_requested")]

    operations = [LongTextsLast()]
