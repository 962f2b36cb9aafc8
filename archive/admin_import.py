"""The admin's "Import articles" page: upload files, then follow the import on a progress page.

The upload is stored (archive.import_batches) and an import task queued (archive.tasks); the
web request does no importing, so no server timeout can cut an import off. The progress page
reads the stored outcomes, so it survives reloads, and ends in the per-file report.
"""

from __future__ import annotations

import os

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from archive.import_batches import ImportBatch, ImportFile
from archive.importing.sources import describe_size
from archive.models import Article
from archive.tasks import import_batch


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans each of them."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)  # the importer refuses it, with the others
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        clean_one = super().clean
        if isinstance(data, list | tuple) and data:
            return [clean_one(item, initial) for item in data]
        return [clean_one(data or None, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text=(
            f"HTML pages or fragments, e-mails saved as HTML, or plain text, up to "
            f"{describe_size(settings.ARCHIVE_MAX_ORIGINAL_BYTES)} each and "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES} at a time (the import_articles command "
            "takes whole folders)."
        ),
    )
    publish = forms.BooleanField(
        required=False,
        label="Publish at once",
        help_text="Leave unticked to import them as drafts to check first.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Show what would be imported and linked, and write nothing.",
    )


def import_urls(model_admin: admin.ModelAdmin) -> list:
    """The import page and its progress pages, for ArticleAdmin.get_urls."""
    site = model_admin.admin_site
    return [
        path(
            "import/",
            site.admin_view(lambda request: import_view(model_admin, request)),
            name="archive_article_import",
        ),
        path(
            "import/<int:batch_id>/",
            site.admin_view(
                lambda request, batch_id: import_progress_view(model_admin, request, batch_id)
            ),
            name="archive_article_import_progress",
        ),
    ]


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Upload files: they are stored, an import task is queued, and the editor is sent to its
    progress page. Needs permission to add articles."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        batch = _store(form.cleaned_data, request.user.get_username())
        return HttpResponseRedirect(batch.get_absolute_url())
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import articles",
        "opts": Article._meta,
        "form": form,
        "recent": ImportBatch.objects.all()[:10],
    }
    return TemplateResponse(request, "admin/archive/article/import.html", context)


def _store(data: dict, username: str) -> ImportBatch:
    """Keep the upload in the database, then queue its import."""
    limit = settings.ARCHIVE_MAX_ORIGINAL_BYTES
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=username,
            publish=data["publish"],
            dry_run=data["dry_run"],
            total=len(data["files"]),
        )
        for position, upload in enumerate(data["files"]):
            size = upload.size or 0
            ImportFile.objects.create(
                batch=batch,
                position=position,
                name=os.path.basename(upload.name or "upload")[:255] or "upload",
                size=size,
                # A file over the limit is kept as a name and size: the import refuses it.
                content=b"".join(upload.chunks()) if size <= limit else b"",
            )
    # Queued once the files are committed (the worker may be another process, elsewhere).
    import_batch.enqueue(batch.pk)
    return batch


def import_progress_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, batch_id: int
) -> HttpResponse:
    """Files done of the total and the outcomes so far; the full report once finished."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    report = batch.report()
    done = len(report.outcomes)
    if batch.finished:
        level = messages.WARNING if report.refused else messages.SUCCESS
        model_admin.message_user(request, report.summary, level)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import articles",
        "opts": Article._meta,
        "batch": batch,
        "report": report,
        "done": done,
        "percent": round(100 * done / batch.total) if batch.total else 100,
    }
    return TemplateResponse(request, "admin/archive/article/import_progress.html", context)
