"""The editors' tool: curate articles and the organisations, people and events they are about."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from archive import counts, sanitize
from archive.admin_import import import_view
from archive.models import Article, Event, Organisation, Person, Role

admin.site.site_header = "Reading Room: editors"
admin.site.site_title = "Reading Room editors"
admin.site.index_title = "Curate the archive"
admin.site.site_url = "/"


class ArticleAdminForm(forms.ModelForm):
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
        """Refuse, with the sanitiser's reason, an original or body it cannot clean."""
        cleaned = super().clean()
        for field, fmt in (
            ("original", cleaned.get("original_format") or Article.Format.HTML),
            ("body_html", Article.Format.HTML),
        ):
            value = cleaned.get(field)
            if field in self.fields and value:
                try:
                    sanitize.sanitize(value, fmt)
                except sanitize.SanitizeError as error:
                    self.add_error(field, str(error))
        return cleaned


def _set_status(queryset: QuerySet, status: str) -> int:
    """One UPDATE for the selection; a bulk update sends no signals, so renew the counts here."""
    changed = queryset.exclude(status=status).update(status=status, updated_at=timezone.now())
    counts.invalidate()
    return changed


@admin.action(description="Publish selected articles", permissions=["change"])
def publish(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = _set_status(queryset, Article.Status.PUBLISHED)
    modeladmin.message_user(request, f"Published {changed} article(s).", messages.SUCCESS)


@admin.action(description="Withdraw selected articles (back to draft)", permissions=["change"])
def withdraw(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = _set_status(queryset, Article.Status.DRAFT)
    modeladmin.message_user(request, f"Withdrew {changed} article(s).", messages.SUCCESS)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
    save_on_top = True
    readonly_fields = (
        "preview",
        "original_checksum",
        "original_encoding",
        "original_filename",
        "imported_at",
        "imported_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", ("status", "needs_review"), "standfirst", "byline")}),
        ("Source", {"fields": ("source", "url", ("published_date", "date_precision"))}),
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
        import_page = self.admin_site.admin_view(lambda request: import_view(self, request))
        return [path("import/", import_page, name="archive_article_import"), *super().get_urls()]

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


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "title", "start_date", "end_date")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "kind", "parent")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("name", "abbreviation", "aliases", "slug")
    autocomplete_fields = ("parent", "predecessor")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name", "aliases", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (RoleInline,)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("person", "title", "organisation", "start_date", "end_date")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("person", "organisation")
    search_fields = ("person__name", "organisation__name", "title")
    autocomplete_fields = ("person", "organisation")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "start_date", "end_date", "location")
    list_filter = ("kind", ("organisations", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "start_date"
    search_fields = ("name", "location", "description", "slug")
    autocomplete_fields = ("organisations",)
    prepopulated_fields = {"slug": ("name",)}
