"""Background tasks (django-tasks): the admin's imports, run by `manage.py db_worker`.

An import never runs inside a web request, so no server timeout can cut it off: the task
imports each stored file in its own transaction (archive.importing.service.import_files),
records the file's outcome as soon as it has one, and drops the file's bytes. A task that is
run again (a worker restarted half-way) goes on with the files that have no outcome yet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from archive.import_batches import ImportBatch, ImportFile
from archive.import_budget import check_within_budget
from archive.importing.outcomes import FileOutcome, Refused
from archive.importing.sources import describe_size

logger = logging.getLogger(__name__)


@dataclass
class StoredSource:
    """A file of an upload, read from the database; a Source for the import service."""

    file: ImportFile

    @property
    def label(self) -> str:
        return self.file.name

    @property
    def name(self) -> str:
        return self.file.name

    def read(self, max_bytes: int) -> bytes:
        if self.file.size > max_bytes:
            raise Refused(
                f"too large: {describe_size(self.file.size)} (limit {describe_size(max_bytes)})"
            )
        # Loaded only when it is the file's turn: a batch may hold a thousand 5 MB files.
        raw = bytes(ImportFile.objects.values_list("content", flat=True).get(pk=self.file.pk))
        if len(raw) < settings.ARCHIVE_IMPORT_TRIAL_BYTES:
            return raw  # small files read in linear time within any sane budget
        check_within_budget(
            lambda: _read_article(self.file.name, raw, max_bytes),
            seconds=settings.ARCHIVE_IMPORT_FILE_SECONDS,
            memory_mb=settings.ARCHIVE_IMPORT_FILE_MEMORY_MB,
        )
        return raw


def _read_article(name: str, raw: bytes, max_bytes: int) -> None:
    """What importing a file costs before it touches the database: decode, extract, clean."""
    from archive.importing.reading import read

    read(name, raw, max_bytes)


@task()
def import_batch(batch_id: int) -> str:
    """Import the files of an upload that have no outcome yet; return the run's summary."""
    from archive.importing.service import import_files  # loads trafilatura: only when used

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.finished:
        return "already finished"
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.RUNNING, started_at=batch.started_at or timezone.now()
    )
    pending = list(batch.files.filter(outcome="").defer("content").order_by("position"))
    remaining = iter(pending)

    def record(outcome: FileOutcome) -> None:
        file = next(remaining)
        with transaction.atomic():
            ImportFile.objects.filter(pk=file.pk).update(
                outcome=outcome.outcome, report=outcome.as_json(), content=b""
            )

    import_files(
        [StoredSource(file) for file in pending],
        publish=batch.publish,
        dry_run=batch.dry_run,
        imported_by=batch.created_by,
        on_outcome=record,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.FINISHED, finished_at=timezone.now()
    )
    summary = ImportBatch.objects.get(pk=batch.pk).report().summary
    logger.info("Import batch %s by %s: %s", batch.pk, batch.created_by, summary)
    return summary


# The count index's rebuilds for a large archive run here too (archive/counts.py).
@task()
def rebuild_count_index() -> str:
    """Rebuild the count index of a large archive for the generation current when it starts
    (queued by the first reader to find the index behind the archive; see archive/counts.py)."""
    from archive import counts

    return counts.rebuild_current()
