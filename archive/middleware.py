"""Refuse request bodies too large for who sends them, where, before anything reads them.

Django parses a form (and spools its files to disk) the first time a view, or the CSRF check,
looks at `request.POST`; a 200 MB POST to the login page would be read whole before any check.
This middleware runs before the CSRF check and answers 413 from the declared length alone:

- anyone: `ARCHIVE_MAX_REQUEST_BYTES` (small: search forms and the login page);
- signed-in staff in the admin: `ARCHIVE_MAX_EDITOR_REQUEST_BYTES` (an article's original and
  body, each up to the archive's size limit);
- editors who may add articles, on the import page: `ARCHIVE_MAX_IMPORT_REQUEST_BYTES`.

Uploaded files are parsed on the import page only: everywhere else a file in a form is skipped
(its bytes, within the small limit, are read past), so nothing is stored for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from archive import links
from archive.importing.sources import describe_size

logger = logging.getLogger(__name__)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is None:
            return _refuse(request, None, 0)
        # Who is signed in is looked up only where it matters: a large body, or the import page.
        importing = request.path == links.url("admin:archive_article_import") and _may_import(
            request
        )
        if length > settings.ARCHIVE_MAX_REQUEST_BYTES:
            limit = _limit(request, importing)
            if length > limit:
                return _refuse(request, length, limit)
        if not importing:
            request.upload_handlers = [SkipFiles(request)]
        return self.get_response(request)


class SkipFiles(FileUploadHandler):
    """An upload handler that takes no file: each is skipped, the form's other fields kept."""

    def new_file(self, *args, **kwargs) -> None:
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def _declared_length(request: HttpRequest) -> int | None:
    """The body's declared length (0 when none is declared), or None when it is malformed.

    A body sent without a length (chunked) is not read by Django at all: it counts as empty.
    """
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


def _may_import(request: HttpRequest) -> bool:
    user = request.user
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("archive.add_article")
    )


def _limit(request: HttpRequest, importing: bool) -> int:
    if importing:
        return settings.ARCHIVE_MAX_IMPORT_REQUEST_BYTES
    user = request.user
    admin_prefix = reverse("admin:index")
    if user.is_authenticated and user.is_active and user.is_staff:
        if request.path.startswith(admin_prefix):
            return settings.ARCHIVE_MAX_EDITOR_REQUEST_BYTES
    return settings.ARCHIVE_MAX_REQUEST_BYTES


def _refuse(request: HttpRequest, length: int | None, limit: int) -> HttpResponse:
    if length is None:
        message = "The request's Content-Length is not a number."
        status = 400
    else:
        message = (
            f"This request is too large: {describe_size(length)} "
            f"(the limit here is {describe_size(limit)})."
        )
        status = 413
    logger.warning("Refused %s %s: %s", request.method, request.path, message)
    return HttpResponse(render_to_string("413.html", {"message": message}), status=status)
