"""Replace the archive with a backup made by the `backup` command."""

from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from archive.backups import BackupError, backups_for


class Command(BaseCommand):
    help = (
        "Replace the archive's database with the backup at PATH (made by `backup`), then bring "
        "its schema up to date and empty the cache. Everything written since the backup is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file to restore")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, interactive: bool, database: str, **options):
        path = path.expanduser().resolve()
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        connection = connections[database]
        if interactive:
            answer = input(
                f"This replaces the archive in {connection.settings_dict['NAME']} with {path}; "
                "everything written since that backup is lost. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        try:
            backups_for(connection).restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        # A backup from an older release gets this release's tables.
        call_command("migrate", database=database, interactive=False, verbosity=0)
        cache.clear()  # cached pages and facet counts describe the archive before the restore
        self.stdout.write(f"Restored the archive from {path}.")
