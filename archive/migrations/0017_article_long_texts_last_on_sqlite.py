"""On SQLite, put an article's long texts at the end of its row, the text first among them.

With the original, the clean HTML and the text (about 7 KB together) in the middle of the row,
every listed article cost its page and its whole overflow chain (archive/migrations/_layout.py):
on a 100,000-article archive about 37 pages a list page, read from the disk whenever the
operating system had dropped them from memory, which made a page several times slower on a
machine whose disk was busy; with them last, about 20.

The table is rebuilt in one transaction, which blocks writers while it runs (about half a
minute for 100,000 articles) and needs free disk space for a second copy of the articles and
their full-text index (the write-ahead log holds it until it is checkpointed); the old copy's
pages stay in the file, free for new articles, until a `VACUUM`. PostgreSQL keeps long values
apart already (0015): nothing is done there.
"""

from django.db import migrations

from archive.migrations._layout import LongTextsLast


class Migration(migrations.Migration):
    dependencies = [("archive", "0016_count_index_rebuild_requested")]

    operations = [LongTextsLast()]
