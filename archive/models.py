"""The archive's domain: articles and the organisations, people and events they are about.

What the public may see is defined once, in `ArticleQuerySet.published()`.
Every model has a natural key (its slug) so the demo fixtures load twice without duplicates.
"""

from __future__ import annotations

import calendar
import hashlib
import math

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.html import escape

from archive import sanitize


def _choices_check(field: str, choices: type[models.TextChoices], name: str):
    """A CheckConstraint that keeps `field` to its choices whatever wrote the row."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


END_BEFORE_START = "The end date cannot be before the start date."


def _end_not_before_start(model: str):
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True)
        | Q(start_date__isnull=True)
        | Q(end_date__gte=F("start_date")),
        name=f"{model}_end_not_before_start",
        violation_error_message=END_BEFORE_START,
    )


def _check_dates(obj) -> None:
    """Say which field is wrong, in words, before the database constraint would refuse it."""
    if obj.start_date and obj.end_date and obj.end_date < obj.start_date:
        raise ValidationError({"end_date": END_BEFORE_START})


def split_aliases(text: str) -> list[str]:
    """Aliases are stored one per line; blank lines and surrounding spaces are ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class SlugManager(models.Manager):
    """Looks rows up by slug, their natural key, for fixtures and imports."""

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class OrganisationKind(models.TextChoices):
    TRADE_UNION = "trade_union", "Trade union"
    FEDERATION = "federation", "Union federation"
    GOVERNMENT = "government", "Government body"
    PARTY = "party", "Political party or faction"
    EMPLOYER = "employer", "Employer"
    PUBLICATION = "publication", "Publication"
    OTHER = "other", "Other"


class OrganisationQuerySet(models.QuerySet):
    def with_article_counts(self) -> OrganisationQuerySet:
        """Each organisation with `article_count`, its published articles (one query)."""
        return self.annotate(
            article_count=models.Count(
                "articles", filter=Q(articles__status=ArticleStatus.PUBLISHED), distinct=True
            )
        )


class OrganisationManager(SlugManager.from_queryset(OrganisationQuerySet)):
    pass


class Organisation(models.Model):
    Kind = OrganisationKind

    # Kinds shown in the "union" facet of the reading room.
    UNION_KINDS = (OrganisationKind.TRADE_UNION, OrganisationKind.FEDERATION)

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    abbreviation = models.CharField(max_length=40, blank=True, help_text="For example PCS.")
    kind = models.CharField(
        max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.TRADE_UNION
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names it appears under in text, one per line "
        "(for example PCSU, Public and Commercial Services Union).",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The body it belongs to or is affiliated with.",
    )
    predecessor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
        help_text="The organisation it replaced or grew out of.",
    )
    description = models.TextField(blank=True)

    objects = OrganisationManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="organisation_slug_unique"),
            _choices_check("kind", OrganisationKind, "organisation_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:organisation", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)

    @property
    def is_union(self) -> bool:
        return self.kind in self.UNION_KINDS

    @property
    def short_name(self) -> str:
        return self.abbreviation or self.name


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    aliases = models.TextField(
        blank=True, help_text="Other names used in text, one per line (for example Mr Serwotka)."
    )
    description = models.CharField(max_length=300, blank=True, help_text="One line.")
    organisations = models.ManyToManyField(
        Organisation, through="Role", related_name="people", blank=True
    )

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [models.UniqueConstraint(fields=["slug"], name="person_slug_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:person", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


class RoleManager(models.Manager):
    def get_by_natural_key(self, person_slug: str, organisation_slug: str, title: str):
        return self.get(person__slug=person_slug, organisation__slug=organisation_slug, title=title)


class Role(models.Model):
    """A post a person held in an organisation, with dates where they are known."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200, help_text="For example general secretary.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = RoleManager()

    class Meta:
        ordering = [F("start_date").asc(nulls_first=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "title"], name="role_unique_per_person"
            ),
            _end_not_before_start("role"),
        ]

    def __str__(self) -> str:
        return f"{self.person}, {self.title}, {self.organisation.short_name}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.person.slug, self.organisation.slug, self.title)

    natural_key.dependencies = ["archive.person", "archive.organisation"]

    def clean(self) -> None:
        _check_dates(self)

    @property
    def period(self) -> str:
        start = self.start_date.year if self.start_date else None
        end = self.end_date.year if self.end_date else None
        if start and end:
            return f"{start}–{end}" if start != end else str(start)
        if start:
            return f"from {start}"
        if end:
            return f"until {end}"
        return ""


class EventKind(models.TextChoices):
    STRIKE = "strike", "Strike"
    WALKOUT = "walkout", "Walk-out"
    MARCH = "march", "March or rally"
    BALLOT = "ballot", "Ballot"
    MEETING = "meeting", "Meeting or negotiation"
    OTHER = "other", "Other"


class Event(models.Model):
    Kind = EventKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.STRIKE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty for one day.")
    location = models.CharField(max_length=200, blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="events", blank=True)
    description = models.TextField(blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="event_slug_unique"),
            _choices_check("kind", EventKind, "event_kind_valid"),
            _end_not_before_start("event"),
        ]
        indexes = [
            # The timeline page lists events in date order.
            models.Index(fields=["start_date"], name="event_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%Y})"

    def get_absolute_url(self) -> str:
        return reverse("archive:event", kwargs={"slug": self.slug})

    def clean(self) -> None:
        _check_dates(self)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """The only definition of what the public may see."""
        return self.filter(status=ArticleStatus.PUBLISHED)

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by(F("published_date").desc(nulls_last=True), "-id")

    def related_to(self, article: Article, limit: int = 5) -> list[Article]:
        """Up to `limit` articles of this queryset sharing most links with `article`.

        The article's links must be prefetched. The shared links are counted in one GROUP BY
        over the link tables (only articles sharing something are touched), then the articles
        are fetched: two queries whatever the size of the archive.
        """
        parts, params = [], []
        for relation in ("organisations", "people", "events"):
            ids = [obj.pk for obj in getattr(article, relation).all()]
            if ids:
                field = getattr(Article, relation).field
                placeholders = ", ".join(["%s"] * len(ids))
                parts.append(
                    f"SELECT {field.m2m_column_name()} AS article_id "  # noqa: S608 - names from the models
                    f"FROM {field.m2m_db_table()} "
                    f"WHERE {field.m2m_reverse_name()} IN ({placeholders})"
                )
                params += ids
        if not parts:
            return []
        candidates = self.exclude(pk=article.pk).values("pk")
        candidate_sql, candidate_params = candidates.query.sql_with_params()
        sql = (
            f"SELECT links.article_id FROM ({' UNION ALL '.join(parts)}) AS links "  # noqa: S608
            f"JOIN {Article._meta.db_table} AS a ON a.id = links.article_id "
            f"WHERE links.article_id IN ({candidate_sql}) "
            "GROUP BY links.article_id "
            "ORDER BY COUNT(*) DESC, MAX(a.published_date) DESC NULLS LAST, links.article_id DESC "
            "LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *candidate_params, limit])
            ids = [row[0] for row in cursor.fetchall()]
        found = self.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class OriginalFormat(models.TextChoices):
    HTML = "html", "HTML"
    TEXT = "text", "Plain text"


class Article(models.Model):
    Status = ArticleStatus

    Precision = DatePrecision

    Format = OriginalFormat

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    standfirst = models.TextField(blank=True, help_text="The summary under the headline.")
    byline = models.CharField(max_length=200, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="The publication, as it names itself."
    )
    url = models.URLField("URL of the original", max_length=500, blank=True)
    published_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the date the source gives: a year only, a month, or a day.",
    )
    # Stored copies of the date's year and month: faceting on them is an indexed lookup,
    # where __year on SQLite runs Python per row (PERFORMANCE.md). Kept in step by save().
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    month = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    original = models.TextField(help_text="The article exactly as received.")
    original_format = models.CharField(
        max_length=4, choices=OriginalFormat.choices, default=OriginalFormat.HTML
    )
    original_checksum = models.CharField(
        "SHA-256", max_length=64, editable=False, help_text="Of the bytes as received."
    )
    original_encoding = models.CharField(max_length=40, blank=True, default="utf-8")
    original_filename = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.CharField(max_length=150, blank=True)
    needs_review = models.BooleanField(
        default=False,
        help_text="Set when the importer had to guess (for example a title from the first line); "
        "clear it once an editor has checked the article.",
    )

    body_html = models.TextField(
        "body", blank=True, help_text="Clean HTML, made from the original by the sanitiser."
    )
    body_text = models.TextField(blank=True, editable=False)

    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    organisations = models.ManyToManyField(Organisation, related_name="articles", blank=True)
    people = models.ManyToManyField(Person, related_name="articles", blank=True)
    events = models.ManyToManyField(Event, related_name="articles", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleManager()

    class Meta:
        ordering = [F("published_date").desc(nulls_last=True), "-id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="article_slug_unique"),
            models.UniqueConstraint(fields=["original_checksum"], name="article_checksum_unique"),
            _choices_check("status", ArticleStatus, "article_status_valid"),
            _choices_check("date_precision", DatePrecision, "article_precision_valid"),
            _choices_check("original_format", OriginalFormat, "article_format_valid"),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="article_month_valid",
            ),
        ]
        indexes = [
            # The public article list: published articles, newest first.
            models.Index(
                fields=["status", "-published_date", "-id"], name="article_status_date_idx"
            ),
            # The year and month facets and the date histogram.
            models.Index(fields=["status", "year", "month"], name="article_status_year_idx"),
            # The importer's duplicate check by canonical URL.
            models.Index(fields=["url"], name="article_url_idx"),
            # The facet cache's fingerprint: the last change to any article.
            models.Index(fields=["updated_at"], name="article_updated_idx"),
            # The source facet.
            models.Index(fields=["status", "source"], name="article_status_source_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.prepare()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:article", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def prepare(self) -> None:
        """Derive the stored fields: checksum, clean body, plain text, year and month.

        The body is cleaned on every save, so whatever an editor typed is sanitised before it
        is stored; a new article's body is made from its original. The one exception is a body
        the sanitiser has just produced, handed over with `use_clean_body` (the importer's).
        """
        if not self.original_checksum:
            self.original_checksum = hashlib.sha256(self.original.encode("utf-8")).hexdigest()
        if self.body_html and self.body_html == self._clean_body:
            pass  # made by sanitize.sanitize and unchanged since: cleaning it again is a no-op
        elif self.body_html.strip():
            cleaned = sanitize.sanitize(self.body_html, "html")
            # A heading an editor typed as h1 stays in the body, as the one level below.
            if cleaned.title:
                heading = f"<h2>{escape(cleaned.title)}</h2>"
                cleaned = sanitize.sanitize(heading + cleaned.body_html, "html")
            self.body_html = cleaned.body_html
        else:
            cleaned = sanitize.sanitize(self.original, self.original_format)
            self.body_html = cleaned.body_html
            if not self.title and cleaned.title:
                self.title = cleaned.title[: self._meta.get_field("title").max_length]
        if self._state.adding:
            # A new article's headline or standfirst copied into its text is shown once.
            self.body_html = sanitize.without_leading_repeats(
                self.body_html, [self.standfirst], headlines=[self.title]
            )
        self.body_text = sanitize.html_to_text(self.body_html)
        if self.published_date:
            if self.date_precision in (self.Precision.MONTH, self.Precision.YEAR):
                self.published_date = self.published_date.replace(day=1)
            if self.date_precision == self.Precision.YEAR:
                self.published_date = self.published_date.replace(month=1)
            self.year = self.published_date.year
            self.month = (
                self.published_date.month if self.date_precision != self.Precision.YEAR else None
            )
        else:
            self.year = self.month = None

    _clean_body: str | None = None

    def use_clean_body(self, body_html: str) -> None:
        """Take a body straight from `sanitize.sanitize`, so saving need not clean it again."""
        self.body_html = self._clean_body = body_html

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def date_display(self) -> str:
        """The date at its precision: "2005", "November 2011" or "28 January 2011"."""
        d = self.published_date
        if d is None:
            return "Undated"
        if self.date_precision == self.Precision.YEAR:
            return str(d.year)
        if self.date_precision == self.Precision.MONTH:
            return f"{calendar.month_name[d.month]} {d.year}"
        return f"{d.day} {calendar.month_name[d.month]} {d.year}"

    @property
    def date_iso(self) -> str:
        """The date in ISO 8601 at its precision, for <time datetime>: 2005, 2011-11, 2011-01-28."""
        d = self.published_date
        if d is None:
            return ""
        if self.date_precision == self.Precision.YEAR:
            return f"{d.year:04d}"
        if self.date_precision == self.Precision.MONTH:
            return f"{d.year:04d}-{d.month:02d}"
        return d.isoformat()

    @property
    def teaser(self) -> str:
        """The standfirst, or else the opening of the text, for lists of articles."""
        if self.standfirst:
            return self.standfirst
        words = self.body_text.split("\n\n", 1)[0].split()
        return " ".join(words[:40]) + ("…" if len(words) > 40 else "")

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())

    @property
    def reading_minutes(self) -> int:
        """Minutes to read at 230 words a minute, at least one."""
        return max(1, math.ceil(self.word_count / 230))


# -- the reading room's count cache (archive/counts.py owns these two tables) ----------------


class CacheGeneration(models.Model):
    """One row: a token that every write to the archive replaces (`counts.invalidate`).

    Every app server reads it once per request, so cached pages and counts made before a write
    are never served after it, on any server."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class CountIndex(models.Model):
    """The facet index (`counts.ArticleIndex`) built for one generation, stored so a restarted
    or newly started app server loads it instead of rebuilding it."""

    generation = models.CharField(max_length=32, unique=True)
    data = models.BinaryField()
    built_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Count index {self.generation}"
