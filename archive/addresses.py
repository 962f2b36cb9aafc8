"""Addresses that keep working: old slugs, merged records and the permanent /a/<id>/ form.

A detail page asks `find(queryset, slug)` for its record. The record with that slug answers
itself; otherwise a slug the kind of record once had (FormerAddress) leads, through any merges
(MergedRecord), to the record it belongs to now, and the page redirects there for good (301).
The permanent form by id redirects (302: where it leads may change) to the current page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import Http404, HttpResponsePermanentRedirect

from archive.models import FormerAddress, MergedRecord

MAX_MERGES = 20  # a chain of merges longer than this is a loop


class Moved(Exception):
    """The record asked for lives at another address now."""

    def __init__(self, obj: models.Model) -> None:
        self.obj = obj
        super().__init__(obj.get_absolute_url())

    def response(self) -> HttpResponsePermanentRedirect:
        return HttpResponsePermanentRedirect(self.obj.get_absolute_url())


def current_id(kind: str, pk: int) -> int:
    """The id of the record `pk` is now, following merges (the same id if never merged)."""
    for _ in range(MAX_MERGES):
        merged = MergedRecord.objects.filter(kind=kind, merged_id=pk).values_list(
            "into_id", flat=True
        )
        into = merged.first()
        if into is None:
            return pk
        pk = into
    return pk


Visible = Callable[[models.Model], bool]


def _everyone(obj: models.Model) -> bool:
    return True


def by_id(queryset: models.QuerySet, pk: int, visible: Visible = _everyone) -> models.Model:
    """The record with this id, or the one it was merged into; 404 if neither is visible
    (in the queryset, and to the `visible` test)."""
    kind = queryset.model._meta.model_name
    found = queryset.filter(pk=current_id(kind, pk)).first()
    if found is None or not visible(found):
        raise Http404(f"No {queryset.model._meta.verbose_name} with id {pk}.")
    return found


def find(queryset: models.QuerySet, slug: str, visible: Visible = _everyone) -> models.Model:
    """The visible record with this slug; raises Moved for a former slug, Http404 otherwise."""
    found = queryset.filter(slug=slug).first()
    if found is not None and visible(found):
        return found
    kind = queryset.model._meta.model_name
    former = FormerAddress.objects.filter(kind=kind, slug=slug)
    pk = former.values_list("object_id", flat=True).first()
    if pk is not None:
        raise Moved(by_id(queryset, pk, visible))
    raise Http404(f"No {queryset.model._meta.verbose_name} at this address.")
