"""Load the demo articles into an empty archive; never change an archive that has content.

`make run` calls this every time, so it must be safe to run on an archive editors have worked
on: if there is any article, organisation, person or event, it loads nothing and says so.
`--reset` is the explicit way back to the demo: it says what it will delete and asks first.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from archive import history
from archive.models import Article, Event, FormerAddress, MergedRecord, Organisation, Person, Role

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
ARCHIVE_MODELS = (Article, Role, Event, Person, Organisation)  # deletion order


def _contents() -> dict[str, int]:
    return {str(model._meta.verbose_name_plural): model.objects.count() for model in ARCHIVE_MODELS}


class Command(BaseCommand):
    help = (
        "Load the demo articles, organisations, people and events into an empty archive. "
        "An archive with any content is left exactly as it is. With --reset, delete everything "
        "in the archive first (asks for confirmation unless --yes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every article, organisation, person, event and role, then load the demo.",
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask before --reset.")
        parser.add_argument("--fixture", default=str(FIXTURE), help="Another demo file.")

    def handle(self, *args, reset: bool, yes: bool, fixture: str, **options):
        contents = _contents()
        database = connection.settings_dict["NAME"]
        if reset:
            described = ", ".join(f"{n} {name}" for name, n in contents.items())
            self.stdout.write(
                f"This deletes everything in the archive at {database} ({described}) and "
                "loads the demo again. The history of the deleted records is kept."
            )
            if not yes and input("Type 'yes' to go on: ").strip().lower() != "yes":
                raise CommandError("Nothing was changed.")
            with transaction.atomic():
                for model in ARCHIVE_MODELS:
                    model.objects.all().delete()
                FormerAddress.objects.all().delete()
                MergedRecord.objects.all().delete()
        elif any(contents.values()):
            counts = ", ".join(f"{n} {name}" for name, n in contents.items() if n)
            self.stdout.write(
                f"The archive already has content ({counts}): the demo is loaded only into an "
                "empty archive, so nothing was changed. `make reset-demo` starts again from "
                "the demo."
            )
            return
        loaded = self._load(Path(fixture))
        self.stdout.write(f"Loaded the demo: {loaded} records.")

    def _load(self, path: Path) -> int:
        if not path.is_file():
            raise CommandError(f"No demo file at {path}.")
        with transaction.atomic():
            objects = []
            # One at a time, as loaddata does: a role's natural key names a saved person.
            for deserialized in serializers.deserialize(
                "json", path.read_text(encoding="utf-8"), handle_forward_references=True
            ):
                deserialized.save()
                objects.append(deserialized)
            for deserialized in objects:
                if deserialized.deferred_fields:
                    deserialized.save_deferred_fields()
            _derive_what_fixtures_leave_out()
            history.record(
                [deserialized.object for deserialized in objects],
                "Loaded from the demo fixtures.",
            )
        return len(objects)


def _derive_what_fixtures_leave_out() -> None:
    """Fixtures are saved raw, without Article.save(): give the demo's articles what a save
    derives and the fixture does not carry. A published article has been published since it
    was made (so withdrawing it makes an OAI-PMH deleted record), and every text has the
    fingerprint and sketch the importer's near-duplicate check reads."""
    from archive.importing import similarity

    articles = list(Article.objects.all())
    for article in articles:
        if article.status == Article.Status.PUBLISHED and not article.first_published_at:
            article.first_published_at = article.created_at or timezone.now()
        analysis = similarity.analyse(article.body_text)
        article.text_fingerprint, article.text_sketch = analysis.fingerprint, analysis.sketch
    Article.objects.bulk_update(
        articles, ["first_published_at", "text_fingerprint", "text_sketch"], batch_size=500
    )
