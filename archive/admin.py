"""The editors' tool: curate articles and the organisations, people and events they are about."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from reversion.models import Version

from archive import counts, editorial, history, merging, sanitize
from archive.admin_import import import_urls
from archive.admin_links import unlink_view
from archive.models import (
    Article,
    Event,
    MergedRecord,
    Organisation,
    Person,
    Role,
    StaleEdit,
    SyndicatedCopy,
)

admin.site.site_header = "Reading Room: editors"
admin.site.site_title = "Reading Room editors"
admin.site.index_title = "Curate the archive"
admin.site.site_url = "/"


def stale_message(obj, entries: list[history.Entry]) -> str:
    """What an editor whose save was refused is told: who changed what since they loaded it."""
    name = obj._meta.verbose_name
    if not entries:
        since = "Someone else changed or deleted it"
    else:
        since = history.describe_changes(entries)
    return (
        f"This {name} was changed after you opened it, so your changes were not saved: "
        f"{since}. Nothing was overwritten. Open the {name} again to see the changes, "
        "then apply yours."
    )


class VersionedForm(forms.ModelForm):
    """A form that carries the version of the row it was loaded from, and refuses a save
    based on an older one (see models.Versioned for the rule at the database)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def has_changed(self) -> bool:
        # The version is bookkeeping: an untouched inline row has not changed.
        return any(name != "version" for name in self.changed_data)

    lost_race: StaleEdit | None = None  # set when this save lost a race after its check

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk is None or instance._state.adding:
            return cleaned
        if self.lost_race is not None:
            entries = history.changes_since(instance, self.lost_race.expected)
            raise ValidationError(stale_message(instance, entries), code="stale")
        loaded = cleaned.get("version")
        if loaded is None:
            loaded = instance.version
        current = (
            type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True)
        ).first()
        if current != loaded:
            entries = history.changes_since(instance, loaded)
            raise ValidationError(stale_message(instance, entries), code="stale")
        # The save is an UPDATE ... WHERE version = loaded: a save in between still loses.
        instance.version = loaded
        return cleaned


class ArticleAdminForm(VersionedForm):
    url = forms.URLField(
        label="URL of the original", max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown
        widgets = {
            "body_html": forms.Textarea(attrs={"rows": 20, "cols": 100}),
            "standfirst": forms.Textarea(attrs={"rows": 3, "cols": 100}),
        }

    def clean(self):
        """Refuse, with the sanitiser's reason, an original or body it cannot clean, and a
        save that would leave the article without text (as the importer refuses such a file);
        give a new article its body with a repeated headline or standfirst shown once."""
        cleaned = super().clean()
        texts = {}
        made = {}
        for field, fmt in (
            ("original", cleaned.get("original_format") or Article.Format.HTML),
            ("body_html", Article.Format.HTML),
        ):
            value = cleaned.get(field)
            if field in self.fields and value:
                try:
                    result = sanitize.sanitize(value, fmt)
                except sanitize.SanitizeError as error:
                    self.add_error(field, str(error))
                else:
                    made[field] = result.body_html
                    # A body's h1 stays in it as a heading; an original's becomes the title.
                    kept = result.title if field == "body_html" else ""
                    texts[field] = kept + sanitize.html_to_text(result.body_html)
        if "body_html" in self.fields and not self.has_error("body_html"):
            # The body is made from the original when it is left empty (Article.prepare).
            body = cleaned.get("body_html") or ""
            if body.strip():
                empty = "body_html" in texts and not texts["body_html"]
            elif "original" in texts:
                empty = not texts["original"]
            else:
                original = cleaned.get("original", self.instance.original) or ""
                fmt = cleaned.get("original_format") or self.instance.original_format
                empty = not self.has_error("original") and not _text_of(original, fmt)
            if empty:
                self.add_error(
                    "body_html",
                    "No text left after cleaning: an article needs a body readers can read.",
                )
        if self.instance._state.adding and not self.errors and "body_html" in self.fields:
            # The editorial rule where text enters (the model only derives and sanitises):
            # a source's headline or standfirst repeated at the top of its text is shown once.
            body = made.get("body_html") or made.get("original", "")
            if body:
                cleaned["body_html"] = editorial.shown_once(
                    body, cleaned.get("title", ""), cleaned.get("standfirst", "")
                )
        return cleaned


def _text_of(source: str, fmt: str) -> str:
    try:
        return sanitize.html_to_text(sanitize.sanitize(source, fmt or "html").body_html)
    except sanitize.SanitizeError:
        return ""


def loaded_versions(request: HttpRequest) -> dict[int, int]:
    """The versions the list page showed, posted with the action as "pk:version" pairs."""
    versions = {}
    for pair in request.POST.getlist("_version"):
        pk, _, version = pair.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    return versions


def _set_status(modeladmin, request: HttpRequest, queryset: QuerySet, status: str) -> int:
    """Save each selected article through the rule of versions, recorded in its history.

    An article changed since the list was loaded is left alone and named in a message (rows
    selected "across all pages" were not shown, so they are checked against what is stored).
    """
    loaded = loaded_versions(request)
    verb = "Published" if status == Article.Status.PUBLISHED else "Withdrew"
    changed, refused = 0, []
    history.set_comment(f"{verb} with the list action.")
    for article in queryset.exclude(status=status).order_by("pk"):
        expected = loaded.get(article.pk, article.version)
        if expected != article.version:
            refused.append(article)
            continue
        article.status = status
        try:
            with transaction.atomic():
                article.save(update_fields=["status", "updated_at"])
        except StaleEdit:
            refused.append(article)
            continue
        changed += 1
    counts.invalidate()
    for article in refused:
        entries = history.changes_since(article, loaded.get(article.pk, article.version))
        modeladmin.message_user(
            request, f"“{article}”: {stale_message(article, entries)}", messages.ERROR
        )
    return changed


@admin.action(description="Publish selected articles", permissions=["change"])
def publish(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = _set_status(modeladmin, request, queryset, Article.Status.PUBLISHED)
    modeladmin.message_user(request, f"Published {changed} article(s).", messages.SUCCESS)


@admin.action(description="Withdraw selected articles (back to draft)", permissions=["change"])
def withdraw(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = _set_status(modeladmin, request, queryset, Article.Status.DRAFT)
    modeladmin.message_user(request, f"Withdrew {changed} article(s).", messages.SUCCESS)


class HistoryCompareForm(forms.Form):
    older = forms.IntegerField()
    newer = forms.IntegerField()


class ArchiveAdmin(admin.ModelAdmin):
    """What every archive model's admin shares: versioned forms, and the history kept by
    archive.history with a page to compare any two versions and restore an older one."""

    form = VersionedForm
    object_history_template = "admin/archive/object_history.html"

    # --- every write is recorded, by whom -------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with history.revision(request.user):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as stale:
            # Someone saved between the form's check and this save; nothing was written (the
            # transaction rolled back). The form comes back with the edits kept, refused.
            if request.method != "POST" or hasattr(request, "_archive_stale"):
                raise
            request._archive_stale = stale
            return self.changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # "version" is the form's own hidden field, not the model's (which no form may edit).
        if kwargs.get("fields"):
            kwargs["fields"] = [f for f in kwargs["fields"] if f != "version"]
        form = super().get_form(request, obj, change, **kwargs)
        stale = getattr(request, "_archive_stale", None)
        if stale is not None and obj is not None:
            return type(form.__name__, (form,), {"lost_race": stale})
        return form

    def changelist_view(self, request, extra_context=None):
        with history.revision(request.user):
            return super().changelist_view(request, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message or "Added.")
        history.set_comment(entry.get_change_message() or "Added.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        history.set_comment(entry.get_change_message() or "Saved without changes.")
        return entry

    def get_list_display(self, request):
        return (*super().get_list_display(request), "version_column")

    @admin.display(description="Version")
    def version_column(self, obj) -> str:
        # The hidden input tells a list action which version of each row the editor saw.
        return format_html(
            '{}<input type="hidden" name="_version" value="{}:{}">',
            obj.version,
            obj.pk,
            obj.version,
        )

    # --- history: list, compare, restore ----------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                wrap(self.history_compare_view),
                name=f"{prefix}_history_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                wrap(self.history_restore_view),
                name=f"{prefix}_history_restore",
            ),
            *super().get_urls(),
        ]

    def _history_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _context(self, request, obj, title: str, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "has_change_permission": self.has_change_permission(request, obj),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self._history_object(request, object_id)
        entries = history.versions_of(obj)
        context = self._context(
            request, obj, f"History: {obj}", entries=entries, **(extra_context or {})
        )
        return TemplateResponse(request, self.object_history_template, context)

    def history_compare_view(self, request, object_id):
        obj = self._history_object(request, object_id)
        form = HistoryCompareForm(request.GET)
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        if not form.is_valid():
            return HttpResponseRedirect(self._history_url(obj))
        older = get_object_or_404(versions, pk=form.cleaned_data["older"])
        newer = get_object_or_404(versions, pk=form.cleaned_data["newer"])
        if older.revision.date_created > newer.revision.date_created or (
            older.revision.date_created == newer.revision.date_created and older.pk > newer.pk
        ):
            older, newer = newer, older
        entries = {entry.version.pk: entry for entry in history.versions_of(obj)}
        context = self._context(
            request,
            obj,
            f"Compare versions: {obj}",
            older=entries[older.pk],
            newer=entries[newer.pk],
            rows=history.compare(older, newer),
        )
        return TemplateResponse(request, "admin/archive/history_compare.html", context)

    def history_restore_view(self, request, object_id, version_id):
        obj = self._history_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        old = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id
        )
        current = Version.objects.get_for_object(obj).first()
        error = ""
        if request.method == "POST":
            loaded = request.POST.get("version", "")
            try:
                if not loaded.isdigit() or int(loaded) != obj.version:
                    raise StaleEdit(obj, int(loaded) if loaded.isdigit() else 0)
                obj.version = int(loaded)
                with transaction.atomic():
                    history.restore(obj, old, request.user)
                    when = f"{old.revision.date_created:%-d %b %Y %H:%M}"
                    self.log_change(request, obj, f"Restored the version of {when}.")
            except StaleEdit as stale:
                obj.refresh_from_db()
                error = stale_message(obj, history.changes_since(obj, stale.expected))
            except (ValidationError, IntegrityError) as problem:
                obj.refresh_from_db()
                detail = "; ".join(getattr(problem, "messages", [str(problem)]))
                error = f"This version cannot be restored: {detail}"
            else:
                self.message_user(
                    request,
                    f"Restored the version of {old.revision.date_created:%-d %b %Y %H:%M} "
                    "as a new version; the history keeps every earlier one.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._history_url(obj))
        entries = {entry.version.pk: entry for entry in history.versions_of(obj)}
        context = self._context(
            request,
            obj,
            f"Restore an earlier version: {obj}",
            old=entries[old.pk],
            rows=history.compare(current, old) if current else [],
            error=error,
            current_version=obj.version,
        )
        return TemplateResponse(request, "admin/archive/history_restore.html", context)

    def _history_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk])


class SyndicatedCopyInline(admin.TabularInline):
    """Copies of the article found elsewhere, recorded by the importer instead of imported."""

    model = SyndicatedCopy
    extra = 0
    can_delete = True
    fields = ("source", "url", "original_filename", "similarity", "imported_at", "imported_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ArchiveAdmin):
    form = ArticleAdminForm
    list_display = ("title", "date_column", "source", "status", "needs_review", "updated_at")
    list_filter = (
        "status",
        "needs_review",
        ("organisations", admin.RelatedOnlyFieldListFilter),
        "source",
        "year",
    )
    list_select_related = True
    date_hierarchy = "published_date"
    search_fields = ("title", "standfirst", "byline", "source", "body_text")
    autocomplete_fields = ("organisations", "people", "events")
    prepopulated_fields = {"slug": ("title",)}
    actions = (publish, withdraw)
    inlines = (SyndicatedCopyInline,)
    save_on_top = True
    readonly_fields = (
        "preview",
        "date_inferred_from",
        "original_checksum",
        "original_encoding",
        "original_filename",
        "imported_at",
        "imported_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("title", "title_supplied"),
                    "slug",
                    ("status", "needs_review"),
                    ("standfirst", "standfirst_supplied"),
                    "byline",
                    "version",
                )
            },
        ),
        (
            "Source",
            {
                "fields": (
                    "source",
                    "reposted_by",
                    "url",
                    ("published_date", "date_precision"),
                    # Provenance, shown beside the date it explains.
                    "date_inferred_from",
                )
            },
        ),
        ("Links", {"fields": ("organisations", "people", "events")}),
        (
            "Body",
            {
                "fields": ("body_html", "preview"),
                "description": "Every save cleans the body again with the archive's sanitiser; "
                "the preview shows the stored clean body as readers see it. Leave the body "
                "empty to make it again from the original.",
            },
        ),
        (
            "Original and provenance",
            {
                "classes": ("collapse",),
                "fields": (
                    "original",
                    "original_format",
                    "original_checksum",
                    "original_encoding",
                    "original_filename",
                    "sender",
                    "imported_at",
                    "imported_by",
                    "created_at",
                    "updated_at",
                ),
            },
        ),
    )

    def get_urls(self):
        """The "Import articles" page, reached from the list's button (its change_list.html)."""
        unlink = self.admin_site.admin_view(
            lambda request, **kwargs: unlink_view(self, request, **kwargs)
        )
        return [
            *import_urls(self),
            path(
                "<int:article_id>/unlink/<str:kind>/<int:entity_id>/",
                unlink,
                name="archive_article_unlink",
            ),
            *super().get_urls(),
        ]

    def has_delete_permission(self, request, obj=None) -> bool:
        """Editors withdraw an article (back to draft) rather than delete it: deleting one
        takes a superuser. Its history is kept either way."""
        return request.user.is_active and request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        """The original is kept exactly as received: it can be given once, never edited."""
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            fields = (*fields, "original", "original_format")
        return fields

    @admin.display(description="Date", ordering="published_date")
    def date_column(self, obj: Article) -> str:
        return obj.date_display

    @admin.display(description="Preview (as readers see it)")
    def preview(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the article to see its clean body."
        # The stored body was cleaned by archive.sanitize when it was saved.
        return format_html('<div class="archive-preview">{}</div>', mark_safe(obj.body_html))  # noqa: S308


class EntityAdmin(ArchiveAdmin):
    """Organisations, people and events: one still named in an article cannot be deleted, and
    duplicates merge into one (after a preview of what moves), undoably."""

    article_relation = ""  # the Article field linking to this model
    actions = ("merge_selected",)

    @admin.action(description="Merge selected into one…", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet):
        records = list(queryset.order_by("pk"))
        name = self.opts.verbose_name_plural
        if len(records) < 2:
            self.message_user(request, f"Choose two or more {name} to merge.", messages.WARNING)
            return None
        counts = dict(queryset.annotate(n=Count("articles")).values_list("pk", "n"))
        chosen = request.POST.get("survivor", "")
        by_pk = {str(record.pk): record for record in records}
        survivor = by_pk.get(chosen) or max(records, key=lambda r: (counts.get(r.pk, 0), -r.pk))
        others = [record for record in records if record.pk != survivor.pk]
        loaded = loaded_versions(request)
        if request.POST.get("confirm") == str(survivor.pk):
            try:
                merged = merging.merge(survivor, others, user=request.user, loaded_versions=loaded)
            except StaleEdit as stale:
                entries = history.changes_since(stale.obj, stale.expected)
                self.message_user(
                    request,
                    f"Nothing was merged. “{stale.obj}”: {stale_message(stale.obj, entries)}",
                    messages.ERROR,
                )
                return None
            names = ", ".join(record.merged_name for record in merged)
            self.message_user(
                request,
                format_html(
                    'Merged {} into <a href="{}">{}</a>. To undo, use its '
                    '<a href="{}">history</a>.',
                    names,
                    reverse(f"admin:archive_{self.opts.model_name}_change", args=[survivor.pk]),
                    survivor,
                    self._history_url(survivor),
                ),
                messages.SUCCESS,
            )
            return None
        context = self._context(
            request,
            survivor,
            f"Merge {name}",
            records=records,
            survivor=survivor,
            counts=counts,
            plan=merging.plan(survivor, others),
            loaded=loaded,
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
        )
        return TemplateResponse(request, "admin/archive/merge_preview.html", context)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/merges/<int:merge_id>/undo/",
                self.admin_site.admin_view(self.undo_merge_view),
                name=f"{prefix}_undo_merge",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        merges = MergedRecord.objects.filter(
            kind=self.opts.model_name, into_id=unquote(object_id)
        ).order_by("-merged_at")
        return super().history_view(request, object_id, {"merges": merges, **(extra_context or {})})

    def undo_merge_view(self, request, object_id, merge_id):
        survivor = self._history_object(request, object_id)
        if request.method != "POST" or not self.has_change_permission(request, survivor):
            raise PermissionDenied
        record = get_object_or_404(
            MergedRecord, pk=merge_id, kind=self.opts.model_name, into_id=survivor.pk
        )
        try:
            restored = merging.undo(record, request.user)
        except IntegrityError as error:
            self.message_user(request, f"The merge cannot be undone: {error}", messages.ERROR)
            return HttpResponseRedirect(self._history_url(survivor))
        self.message_user(
            request,
            f"Undid the merge: “{restored}” is back with its links, roles and addresses.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(f"admin:archive_{self.opts.model_name}_change", args=[restored.pk])
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        pks = [obj.pk for obj in objs]
        linked = (
            Article.objects.filter(**{f"{self.article_relation}__in": pks})
            .distinct()
            .order_by("title")
        )
        for article in linked:
            url = reverse("admin:archive_article_change", args=[article.pk])
            protected.append(
                format_html('Article (still links to it): <a href="{}">{}</a>', url, article)
            )
        return deleted, counts, perms_needed, protected


class RoleInline(admin.TabularInline):
    model = Role
    form = VersionedForm
    extra = 1
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "title", "start_date", "end_date", "version")

    def get_formset(self, request, obj=None, **kwargs):
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in fields if f != "version"]
        return super().get_formset(request, obj, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(EntityAdmin):
    article_relation = "organisations"
    list_display = ("name", "abbreviation", "kind", "parent")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("name", "abbreviation", "aliases", "slug")
    autocomplete_fields = ("parent", "predecessor")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Person)
class PersonAdmin(EntityAdmin):
    article_relation = "people"
    list_display = ("name", "description")
    search_fields = ("name", "aliases", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (RoleInline,)


@admin.register(Role)
class RoleAdmin(ArchiveAdmin):
    list_display = ("person", "title", "organisation", "start_date", "end_date")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("person", "organisation")
    search_fields = ("person__name", "organisation__name", "title")
    autocomplete_fields = ("person", "organisation")


@admin.register(Event)
class EventAdmin(EntityAdmin):
    article_relation = "events"
    list_display = ("name", "kind", "start_date", "end_date", "location")
    list_filter = ("kind", ("organisations", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "start_date"
    search_fields = ("name", "aliases", "location", "description", "slug")
    autocomplete_fields = ("organisations",)
    prepopulated_fields = {"slug": ("name",)}
