"""An operator backs up a live archive while editors write, and restores it losing nothing."""

import os
import sqlite3
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import Article
from tests.conftest import REPO

# An editor at work: each transaction retitles an article, rewrites its standfirst, publishes or
# withdraws it and changes its links, all marked with the revision number; after each commit the
# revision is printed. A backup holding half a transaction would break the marks' agreement.
WRITER = """
import os, sys, time
import django
django.setup()
from django.db import transaction
from archive.models import Article, Organisation
articles = list(Article.objects.order_by("pk"))
organisations = list(Organisation.objects.order_by("pk"))
stop = sys.argv[1]
revision = 0
while not os.path.exists(stop) and revision < 5000:
    revision += 1
    article = articles[revision % len(articles)]
    with transaction.atomic():
        article.title = f"Strike report rev{revision}"
        article.standfirst = f"Revision rev{revision} of this report."
        article.status = "published" if revision % 2 else "draft"
        article.save()
        article.organisations.set(organisations[: revision % len(organisations) + 1])
    print(revision, flush=True)
"""


def _env(database: str) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SECRET_KEY="backup-tests-" + "x" * 40,
        DJANGO_HTTPS="0",
        DJANGO_SETTINGS_MODULE="archive.settings",
        PYTHONPATH=str(REPO),
    )
    return env


def _manage(database: str, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=_env(database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


def _tables(path) -> dict[str, list[tuple]]:
    """Every table's rows (the archive's, its links, any history, the search index)."""
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'archive_article_fts_%' AND name != 'django_migrations'"
            )
        ]
        tables = {
            name: database.execute(f'SELECT rowid, * FROM "{name}" ORDER BY rowid').fetchall()  # noqa: S608
            for name in names
        }
        tables["search index"] = database.execute(
            "SELECT rowid, * FROM archive_article_fts ORDER BY rowid"
        ).fetchall()
    finally:
        database.close()
    return tables


def _search(path, words: str) -> list[int]:
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [
            rowid
            for (rowid,) in database.execute(
                "SELECT rowid FROM archive_article_fts WHERE archive_article_fts MATCH ?", [words]
            )
        ]
    finally:
        database.close()


def _revision(text: str) -> int:
    return int(text.rsplit("rev", 1)[1].split()[0].rstrip("."))


def test_a_backup_taken_while_editors_write_restores_every_committed_write(tmp_path):
    live, backup, restored = tmp_path / "live.db", tmp_path / "backup.db", tmp_path / "new.db"
    _manage(live, "migrate", "--noinput", "-v0")
    _manage(live, "loaddata", str(REPO / "fixtures" / "demo.json"), "-v0")
    stop = tmp_path / "stop"
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", WRITER, str(stop)],
        cwd=REPO,
        env=_env(live),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        committed = 0
        deadline = time.monotonic() + 120
        while committed < 20 and time.monotonic() < deadline:  # the writes are under way
            committed = int(writer.stdout.readline() or committed)
        assert committed >= 20, writer.stderr.read() if writer.poll() is not None else "slow"

        _manage(live, "backup", str(backup))  # while the writer goes on
        stop.touch()
        remaining = writer.stdout.read()
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()
    last = int(remaining.split()[-1]) if remaining.split() else committed

    _manage(restored, "restore", str(backup), "--noinput")

    snapshot = _tables(backup)
    # Every write committed before the backup started is in it (the WAL's too).
    articles = snapshot["archive_article"]
    columns = [
        row[1] for row in sqlite3.connect(backup).execute("PRAGMA table_info(archive_article)")
    ]
    rows = [dict(zip(["rowid", *columns], row, strict=True)) for row in articles]
    revisions = [_revision(row["title"]) for row in rows if "rev" in row["title"]]
    assert max(revisions) >= committed and max(revisions) <= last
    # No write is there by halves: each article's marks agree with one another.
    organisations = sorted(row[1] for row in snapshot["archive_organisation"])  # their ids
    links = {}
    for _, _, article_id, organisation_id in snapshot["archive_article_organisations"]:
        links.setdefault(article_id, set()).add(organisation_id)
    for row in rows:
        if "rev" not in row["title"]:
            continue
        revision = _revision(row["title"])
        assert _revision(row["standfirst"]) == revision
        assert row["status"] == ("published" if revision % 2 else "draft")
        assert links.get(row["id"]) == set(organisations[: revision % len(organisations) + 1])
    # The restored archive is the backup: every article field, link, history entry (whatever
    # table holds them) and the search index.
    assert _tables(restored) == snapshot
    newest = max(rows, key=lambda row: _revision(row["title"]) if "rev" in row["title"] else 0)
    assert _search(restored, f"rev{max(revisions)}") == [newest["id"]]


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path, db):
    Article.objects.create(
        title="Kept", slug="kept", original="Kept\n\nText.", original_format="text"
    )
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")

    with pytest.raises(CommandError, match="not"):
        call_command("restore", str(not_a_backup), "--noinput")

    assert list(Article.objects.values_list("slug", flat=True)) == ["kept"]


def test_backup_never_overwrites_unless_asked(tmp_path, db):
    existing = tmp_path / "backup.db"
    existing.write_text("an older backup")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))

    assert existing.read_text() == "an older backup"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_the_archive_as_it_was(tmp_path, published_article):
    path = tmp_path / ("archive.dump" if connection.vendor == "postgresql" else "archive.db")
    out = StringIO()
    try:
        call_command("backup", str(path), stdout=out)
    except CommandError as error:
        if "not found" in str(error):
            pytest.skip(str(error))
        raise
    assert out.getvalue().startswith("Backed up the ")
    before = Article.objects.values().get()
    links = set(published_article.organisations.values_list("pk", flat=True))
    published_article.title = "Changed after the backup"
    published_article.status = Article.Status.DRAFT
    published_article.save()
    published_article.organisations.clear()

    call_command("restore", str(path), "--noinput", stdout=StringIO())

    assert Article.objects.values().get() == before
    restored = Article.objects.get()
    assert set(restored.organisations.values_list("pk", flat=True)) == links
    assert list(Article.objects.published().values_list("pk", flat=True)) == [restored.pk]
