"""The admin's "Import articles" page: upload several files; all the work is archive.importing's."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from archive.importing.outcomes import ImportReport
from archive.importing.sources import describe_size
from archive.models import Article


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


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Upload files and show each one's outcome; needs permission to add articles."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    report: ImportReport | None = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        from archive.importing.service import import_files  # loads trafilatura: only when used

        report = import_files(
            form.cleaned_data["files"],
            publish=form.cleaned_data["publish"],
            dry_run=form.cleaned_data["dry_run"],
            imported_by=request.user.get_username(),
        )
        level = messages.WARNING if report.refused else messages.SUCCESS
        model_admin.message_user(request, report.summary, level)
        form = ImportForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import articles",
        "opts": Article._meta,
        "form": form,
        "report": report,
    }
    return TemplateResponse(request, "admin/archive/article/import.html", context)
