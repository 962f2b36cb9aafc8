"""One click to undo a link the importer made: remove an article's link to one organisation,
person or event. The import report offers it beside every link it lists."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from archive import counts, history
from archive.models import Article

# The kinds of link the URL names, and the article's field for each.
RELATIONS = {"organisation": "organisations", "person": "people", "event": "events"}


def unlink_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, article_id: int, kind: str, entity_id: int
) -> HttpResponse:
    """Remove one link from an article (a POST, by an editor who may change articles), then go
    back to the page the editor came from (`next`, on this site) or to the article."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if kind not in RELATIONS:
        raise Http404("No such kind of link.")
    article = get_object_or_404(Article, pk=article_id)
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    relation = getattr(article, RELATIONS[kind])
    entity = relation.filter(pk=entity_id).first()
    if entity is None:
        model_admin.message_user(
            request, f"“{article}” had no such {kind} link (already removed?).", messages.INFO
        )
    else:
        with transaction.atomic():
            relation.remove(entity)
            # The article's history keeps the links it had, so the removal can be undone there.
            history.record([article], f"Removed the link to {entity}.", request.user)
            transaction.on_commit(counts.invalidate)
        model_admin.message_user(
            request, f"Removed the link from “{article}” to {entity}.", messages.SUCCESS
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:archive_article_change", args=[article.pk])
    return HttpResponseRedirect(target)
