"""An upload to the admin's import page, kept until the import task has read every file.

The upload is stored in the database (shared by every app server and by the task worker, so
no shared disk is needed); each file's bytes are dropped once its outcome is recorded. The
progress page reads these rows, so it survives reloads and shows each outcome as it comes.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from archive.importing.outcomes import FileOutcome, ImportReport, Outcome


class ImportBatch(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "waiting for the import worker"
        RUNNING = "running", "importing"
        FINISHED = "finished", "finished"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    publish = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    total = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "finished"]),
                name="import_batch_state_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Import of {self.total} file(s) by {self.created_by}"

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_article_import_progress", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state == self.State.FINISHED

    def report(self) -> ImportReport:
        """The outcomes recorded so far, in upload order."""
        report = ImportReport(dry_run=self.dry_run)
        for data in (
            self.files.exclude(outcome="").order_by("position").values_list("report", flat=True)
        ):
            report.outcomes.append(FileOutcome(**{**data, "outcome": Outcome(data["outcome"])}))
        return report


class ImportFile(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    # The uploaded bytes until the file is imported (empty for a file refused as too large).
    content = models.BinaryField(blank=True, default=b"")
    # "" until imported, then imported, duplicate or refused, with the outcome in `report`.
    outcome = models.CharField(max_length=10, blank=True, default="")
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="import_file_position")
        ]

    def __str__(self) -> str:
        return self.name
