"""Back up a live archive and restore it: one backend per database, chosen once.

- SQLite: the online backup API copies the database page by page in one step, a consistent
  snapshot that includes every commit still in the write-ahead log (copying the file does not)
  and that writers never wait for. The copy is checked and made self-contained (no WAL).
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot taken in one transaction) and
  `pg_restore --clean --single-transaction`; both need PostgreSQL's client tools on the PATH.

A backup is written beside its destination and renamed into place when complete, so PATH never
holds half a backup. The management commands `backup` and `restore` call these.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


@dataclass
class SQLiteBackups:
    connection: BaseDatabaseWrapper

    kind = "SQLite"

    def backup(self, path: Path) -> None:
        self.connection.ensure_connection()
        source = self.connection.connection
        partial = path.with_name(f".{path.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)  # all pages in one step: one consistent snapshot
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
            _check_sqlite(partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    def restore(self, path: Path) -> None:
        _check_magic(path, SQLITE_MAGIC, "an SQLite backup", self.kind)
        _check_sqlite(path)
        self.connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            # Replaces every page of the live database in one step; other processes see the
            # restored archive on their next transaction.
            source.backup(self.connection.connection)
        finally:
            source.close()
        self.connection.close()


@dataclass
class PostgresBackups:
    connection: BaseDatabaseWrapper

    kind = "PostgreSQL"

    def _run(self, tool: str, *args: str) -> None:
        executable = shutil.which(tool)
        if executable is None:
            raise BackupError(
                f"{tool} was not found: install PostgreSQL's client tools "
                "(Debian: postgresql-client) on this machine."
            )
        settings = self.connection.settings_dict
        env = {**os.environ}
        for variable, key in (
            ("PGHOST", "HOST"),
            ("PGPORT", "PORT"),
            ("PGUSER", "USER"),
            ("PGPASSWORD", "PASSWORD"),
        ):
            if settings.get(key):
                env[variable] = str(settings[key])
        result = subprocess.run(  # noqa: S603 - a fixed tool and our own arguments
            [executable, *args, "--dbname", settings["NAME"]],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"{tool} failed: {result.stderr.strip()[:2000]}")

    def backup(self, path: Path) -> None:
        partial = path.with_name(f".{path.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            self._run("pg_dump", "--format=custom", "--no-owner", "--file", str(partial))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    def restore(self, path: Path) -> None:
        _check_magic(path, PG_DUMP_MAGIC, "a pg_dump backup", self.kind)
        self.connection.close()
        self._run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )


def backups_for(connection: BaseDatabaseWrapper) -> SQLiteBackups | PostgresBackups:
    if connection.vendor == "sqlite":
        return SQLiteBackups(connection)
    if connection.vendor == "postgresql":
        return PostgresBackups(connection)
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def _check_magic(path: Path, magic: bytes, what: str, kind: str) -> None:
    try:
        with path.open("rb") as file:
            start = file.read(len(magic))
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror or error}") from None
    if start != magic:
        raise BackupError(f"{path} is not {what}, which a {kind} archive needs")


def _check_sqlite(path: Path) -> None:
    """The file is a sound SQLite database holding an archive."""
    try:
        database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = database.execute("PRAGMA integrity_check").fetchone()
            tables = {
                name
                for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            database.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a sound SQLite database ({error})") from None
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")
    if "archive_article" not in tables:
        raise BackupError(f"{path} holds no archive (no archive_article table)")
