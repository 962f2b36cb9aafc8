"""Back up the live archive to a file, safely while the server runs and editors write."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from archive.backups import BackupError, backups_for
from archive.importing.sources import describe_size


class Command(BaseCommand):
    help = (
        "Back up the archive's database to PATH: a consistent snapshot taken while the server "
        "runs (SQLite's online backup API; pg_dump for PostgreSQL). Restore it with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file to write")
        parser.add_argument(
            "--overwrite", action="store_true", help="replace PATH if it already exists"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, overwrite: bool, database: str, **options):
        path = path.expanduser().resolve()
        if path.exists() and not overwrite:
            raise CommandError(f"{path} already exists (use --overwrite to replace it).")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        try:
            backups = backups_for(connections[database])
            backups.backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = describe_size(path.stat().st_size)
        self.stdout.write(f"Backed up the {backups.kind} archive to {path} ({size}).")
