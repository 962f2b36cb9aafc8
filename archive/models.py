"""The archive's domain: articles and the organisations, people and events they are about.

What the public may see is defined once, in `ArticleQuerySet.published()`.
Every model has a natural key (its slug) so the demo fixtures load twice without duplicates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import json
import math
import sys
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape

from archive import links, sanitize, statements
from archive.importing import similarity
from archive.inserts import PreparedInsert


def _choices_check(field: str, choices: type[models.TextChoices], name: str):
    """A CheckConstraint that keeps `field` to its choices whatever wrote the row."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


END_BEFORE_START = "The end date cannot be before the start date."
# What the model hands the sanitiser as a size limit: none, the doors (admin form, importer)
# have checked the size against theirs.
NO_LIMIT = sys.maxsize
# A list shows an article's standfirst or, without one, the first TEASER_WORDS words of its
# text's first paragraph (Article.teaser), for which it reads TEASER_CHARS of the text.
TEASER_WORDS = 40
TEASER_CHARS = 1000


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


class StaleEdit(Exception):
    """A save based on a version of a row that someone else has changed (or deleted) since."""

    def __init__(self, obj: models.Model, expected: int) -> None:
        self.obj = obj
        self.expected = expected
        super().__init__(
            f"{obj._meta.verbose_name} {obj.pk} is no longer at version {expected}: "
            "someone else saved it since it was loaded"
        )


class Versioned(models.Model):
    """A row that counts its saves, so that no save can overwrite one it has not seen.

    Every save of a row that exists is an UPDATE ... WHERE version = <the version this instance
    was loaded at>, which also moves the version on by one. If someone else saved in between,
    no row matches and `StaleEdit` is raised: nothing is overwritten. The rule is here, in the
    one place every write goes through (admin forms, list actions, the importer, restores,
    merges, any later API), not in each caller. A caller whose user read the row earlier (a
    form's hidden field, an API's If-Match) sets `obj.version` to that version before saving.
    A queryset `update()` bypasses the rule: the archive does not use one on these models.
    """

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Counts the saves; a stale edit is refused."
    )

    _expected_version: int | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        self._expected_version = self.version
        self.version += 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = self._expected_version
            raise
        finally:
            self._expected_version = None

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = self._expected_version
        if expected is None:  # a raw save (loaddata) or a first save with a given id
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if base_qs.filter(pk=pk_val, version=expected)._update(values) == 1:
            return True
        raise StaleEdit(self, expected)


class FormerAddress(models.Model):
    """A slug an article, organisation, person or event has had: its old address redirects.

    Kept for ever (a reference printed years ago must still work). If another record of the
    same kind takes the slug later, its current owner answers and this one is only a fallback.
    """

    kind = models.CharField(max_length=20, help_text="The model: article, organisation...")
    slug = models.SlugField(max_length=200)
    object_id = models.PositiveBigIntegerField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="former_address_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug} → {self.object_id}"


class MergedRecord(models.Model):
    """A record merged into another: its addresses, by slug and by id, lead to the survivor.

    `undo` holds what the merge moved (archive.merging), so it can be put back exactly.
    """

    kind = models.CharField(max_length=20)
    merged_id = models.PositiveBigIntegerField()
    merged_name = models.CharField(max_length=300)
    into_id = models.PositiveBigIntegerField()
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.CharField(max_length=150, blank=True)
    undo = models.JSONField(default=dict, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "merged_id"], name="merged_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.merged_id} → {self.into_id}"


class Addressed(Versioned):
    """A versioned record with public addresses: /<kind>/<slug>/ and the permanent /x/<id>/.

    Saving it under a new slug keeps the old one as a FormerAddress, so every address it has
    had answers with a redirect (bookkeeping like the version, not editorial policy).
    """

    PERMANENT_PREFIX = ""  # "a" for articles: /a/123/

    _loaded_slug: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        old = self._loaded_slug
        super().save(*args, **kwargs)
        if old and old != self.slug:
            FormerAddress.objects.update_or_create(
                kind=self._meta.model_name, slug=old, defaults={"object_id": self.pk}
            )
        self._loaded_slug = self.slug

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance

    def get_permanent_url(self) -> str:
        """The address that never changes, whatever the slug becomes: cite this one."""
        return links.permanent(self.PERMANENT_PREFIX, self.pk)


class SlugManager(models.Manager):
    """Looks rows up by slug, their natural key, for fixtures and imports."""

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class EntityQuerySet(models.QuerySet):
    def public(self) -> EntityQuerySet:
        """Those named in at least one published article: the only ones the public sees.

        An organisation, person or event made for a draft stays out of sight until an article
        about it is published."""
        relation = {"organisation": "organisations", "person": "people", "event": "events"}[
            self.model._meta.model_name
        ]
        published = Article.objects.published().filter(**{relation: OuterRef("pk")})
        return self.filter(Exists(published))


class OrganisationKind(models.TextChoices):
    TRADE_UNION = "trade_union", "Trade union"
    FEDERATION = "federation", "Union federation"
    GOVERNMENT = "government", "Government body"
    PARTY = "party", "Political party or faction"
    EMPLOYER = "employer", "Employer"
    PUBLICATION = "publication", "Publication"
    OTHER = "other", "Other"


class OrganisationManager(SlugManager.from_queryset(EntityQuerySet)):
    pass


class Organisation(Addressed):
    PERMANENT_PREFIX = "o"  # /o/<id>/

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
        return links.url("archive:organisation", self.slug)

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

    def relations(self) -> Relations:
        """Its members and parts, successors, roles (with their people) and events, as its
        page lists them, read in one statement instead of three (as Article.linked does):
        each statement costs a round trip and the database's own work on the same cores."""
        events = Event.organisations.field
        through = events.remote_field.through._meta.db_table
        organisation, person, role = (
            Organisation._meta.db_table, Person._meta.db_table, Role._meta.db_table
        )  # fmt: skip
        # Columns: kind, id, name, slug, abbreviation, parent, predecessor, title, start,
        # end, then the order: family by name, roles by start (undated first) and title,
        # events by start and name.
        sql = (
            f"SELECT 0, e.id, e.name, e.slug, e.abbreviation, e.parent_id, e.predecessor_id, "  # noqa: S608 - our names
            f"'', CAST(NULL AS DATE), CAST(NULL AS DATE), 0, e.name FROM {organisation} e "
            f"WHERE e.parent_id = %s OR e.predecessor_id = %s "
            f"UNION ALL SELECT 1, p.id, p.name, p.slug, '', NULL, NULL, r.title, r.start_date, "
            f"r.end_date, CASE WHEN r.start_date IS NULL THEN 0 ELSE 1 END, r.title "
            f"FROM {role} r JOIN {person} p ON p.id = r.person_id WHERE r.organisation_id = %s "
            f"UNION ALL SELECT 2, e.id, e.name, e.slug, '', NULL, NULL, '', e.start_date, "
            f"e.end_date, 1, e.name FROM {Event._meta.db_table} e "
            f"JOIN {through} l ON l.{events.m2m_column_name()} = e.id "
            f"WHERE l.{events.m2m_reverse_name()} = %s "
            "ORDER BY 1, 11, 9, 12, 2"
        )
        with connections[self._state.db or router.db_for_read(Organisation)].cursor() as cursor:
            cursor.execute(sql, [self.pk] * 4)
            rows = cursor.fetchall()
        found = Relations([], [], [], [])
        for kind, pk, name, slug, abbreviation, parent, predecessor, title, start, end, *_ in rows:
            start, end = _date(start), _date(end)
            if kind == 0:
                member = Organisation(
                    id=pk, name=name, slug=slug, abbreviation=abbreviation,
                    parent_id=parent, predecessor_id=predecessor,
                )  # fmt: skip
                if parent == self.pk:
                    found.children.append(member)
                if predecessor == self.pk:
                    found.successors.append(member)
            elif kind == 1:
                holder = Person(id=pk, name=name, slug=slug)
                found.roles.append(
                    Role(person=holder, organisation=self, title=title, start_date=start,
                         end_date=end)
                )  # fmt: skip
            else:
                found.events.append(
                    Event(id=pk, name=name, slug=slug, start_date=start, end_date=end)
                )
        return found


def _date(value) -> dt.date | None:
    """A date from a raw statement: SQLite gives its text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class Person(Addressed):
    PERMANENT_PREFIX = "p"  # /p/<id>/

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    aliases = models.TextField(
        blank=True, help_text="Other names used in text, one per line (for example Mr Serwotka)."
    )
    description = models.CharField(max_length=300, blank=True, help_text="One line.")
    organisations = models.ManyToManyField(
        Organisation, through="Role", related_name="people", blank=True
    )

    objects = SlugManager.from_queryset(EntityQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [models.UniqueConstraint(fields=["slug"], name="person_slug_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return links.url("archive:person", self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


class RoleManager(models.Manager):
    def get_by_natural_key(self, person_slug: str, organisation_slug: str, title: str):
        return self.get(person__slug=person_slug, organisation__slug=organisation_slug, title=title)


class Role(Versioned):
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


class Event(Addressed):
    PERMANENT_PREFIX = "e"  # /e/<id>/

    Kind = EventKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.STRIKE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty for one day.")
    location = models.CharField(max_length=200, blank=True)
    aliases = models.TextField(
        blank=True,
        help_text="Other names it appears under in text, one per line (for example N30, "
        "the November 30 strike). The importer links articles that use them.",
    )
    organisations = models.ManyToManyField(Organisation, related_name="events", blank=True)
    description = models.TextField(blank=True)

    objects = SlugManager.from_queryset(EntityQuerySet)()

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
        return links.url("archive:event", self.slug)

    def clean(self) -> None:
        _check_dates(self)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """The only definition of what the public may see."""
        return self.filter(status=ArticleStatus.PUBLISHED)

    def harvestable(self) -> ArticleQuerySet:
        """What harvesters are told about: published articles, and withdrawn ones (drafts that
        were published once), which they receive as deleted records without their content."""
        return self.filter(Q(status=ArticleStatus.PUBLISHED) | Q(first_published_at__isnull=False))

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by(F("published_date").desc(nulls_last=True), "-id")


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


def published_article(slug: str) -> Article | None:
    """The published article at this slug, or None: the article page's read, with a statement
    compiled once per process (archive/statements.py) from Article.objects.published()."""
    found = _published_by_slug(router.db_for_read(Article)).rows([slug])
    return found[0] if found else None


# What the article page shows of an article (article_detail.html, its citation meta and the
# reference and BibTeX it offers): only these are read. Not the original as received (a saved
# e-mail page's can be a hundred times its text), the import's fingerprints, or timestamps.
ARTICLE_PAGE_FIELDS = (
    "id", "slug", "status", "title", "title_supplied", "standfirst", "standfirst_supplied",
    "byline", "source", "url", "published_date", "date_precision", "body_html", "body_text",
)  # fmt: skip


@functools.lru_cache(maxsize=8)
def _published_by_slug(database: str) -> statements.Statement:
    marker = "\x00slug\x00"  # no slug is this
    queryset = (
        Article.objects.using(database)
        .published()
        .only(*ARTICLE_PAGE_FIELDS)
        .filter(slug=marker)
        .order_by()
    )
    connection = connections[database]
    quoted_id = ".".join(map(connection.ops.quote_name, (Article._meta.db_table, "id")))
    links = _linked_with_the_article(connection.vendor, quoted_id)
    if links is not None:
        queryset = queryset.annotate(linked_rows=links)
    return statements.compile_once(queryset, [marker])


# An article's links as its page lists them: kind (0 organisation, 1 person, 2 event), id,
# name, slug, abbreviation, start date; ordered by kind, then date (events), then name.
LINKED_ORDER = "kind, start_date, name"


def _linked_statement(article_id: str) -> str:
    """The links of the article whose id is the SQL `article_id` (a parameter, or a column of
    the statement it is part of), unordered."""
    branches = []
    for kind, (relation, extra) in enumerate(
        (("organisations", "e.abbreviation AS abbreviation, CAST(NULL AS DATE) AS start_date"),
         ("people", "'', CAST(NULL AS DATE)"), ("events", "'', e.start_date"))
    ):  # fmt: skip
        field = Article._meta.get_field(relation)
        through = field.remote_field.through._meta.db_table
        table = field.related_model._meta.db_table
        # Names from the models' own tables; the article's id as the caller gives it.
        branches.append(
            f"SELECT {kind} AS kind, e.id AS id, e.name AS name, e.slug AS slug, {extra} "  # noqa: S608
            f"FROM {table} e "
            f"JOIN {through} l ON l.{field.m2m_reverse_name()} = e.id "
            f"WHERE l.{field.m2m_column_name()} = {article_id}"
        )
    return " UNION ALL ".join(branches)


def _linked_with_the_article(vendor: str, article_id: str) -> RawSQL | None:
    """The links of the article (`_linked_statement`) as one JSON array in their order: a
    column of the article's own statement, so that its page reads both in one round trip.
    None for a database this does not know the JSON functions of."""
    # The SQL is the model's own tables and columns: nothing in it comes from a request.
    rows = _linked_statement(article_id)
    fields = "k.kind, k.id, k.name, k.slug, k.abbreviation, k.start_date"
    if vendor == "postgresql":
        sql = (
            f"SELECT json_agg(json_build_array({fields}) ORDER BY {LINKED_ORDER})::text "  # noqa: S608
            f"FROM ({rows}) k"
        )
    elif vendor == "sqlite":
        # json_group_array takes the rows in the subquery's order: not promised by SQLite's
        # documentation (its aggregate ORDER BY needs 3.44; Debian 12 has 3.40), pinned by
        # tests/test_article_links_read_with_the_article.py.
        sql = (
            f"SELECT json_group_array(json_array({fields})) "  # noqa: S608
            f"FROM (SELECT * FROM ({rows}) ORDER BY {LINKED_ORDER}) k"
        )
    else:
        return None
    return RawSQL(f"({sql})", (), output_field=models.TextField())  # noqa: S611


@dataclass(frozen=True)
class Linked:
    """What an article names (Article.linked)."""

    organisations: list[Organisation]
    people: list[Person]
    events: list[Event]

    def ids(self) -> dict[str, list[int]]:
        return {relation: [e.pk for e in getattr(self, relation)] for relation in RELATIONS}


RELATIONS = ("organisations", "people", "events")


@dataclass(frozen=True)
class Relations:
    """An organisation's family, roles and events (Organisation.relations)."""

    children: list[Organisation]
    successors: list[Organisation]
    roles: list[Role]
    events: list[Event]


class Article(PreparedInsert, Addressed):
    PERMANENT_PREFIX = "a"  # /a/<id>/

    Status = ArticleStatus

    Precision = DatePrecision

    Format = OriginalFormat

    title = models.CharField(max_length=300)
    title_supplied = models.BooleanField(
        "title supplied by an editor",
        default=False,
        help_text="The source printed no headline and this one is the archive's: it is shown "
        "in [square brackets] and not cited as the source's.",
    )
    slug = models.SlugField(max_length=200)
    standfirst = models.TextField(blank=True, help_text="The summary under the headline.")
    standfirst_supplied = models.BooleanField(
        "summary supplied by an editor",
        default=False,
        help_text="The source printed no summary and this one is the archive's: it is shown "
        "in [square brackets].",
    )
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
    # Provenance: set by the importer when the file states no date and one was inferred from
    # its words; the report shows the same, for an editor to check.
    date_inferred_from = models.CharField(
        "date inferred from",
        max_length=300,
        blank=True,
        help_text="The article's words the importer inferred the date from, and how, when "
        "the source states no date. Check the date against them.",
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
    sender = models.CharField(
        max_length=200, blank=True, help_text="Who sent it, when it came as an e-mail."
    )
    reposted_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="The site it was copied from, when that reposted it from its source.",
    )
    # The importer's near-duplicate check: a hash of the text with case, punctuation and
    # white space run together, and a MinHash sketch of its word shingles.
    text_fingerprint = models.CharField(max_length=40, blank=True, editable=False)
    text_sketch = models.TextField(blank=True, editable=False)
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
    # When it was first published: a draft that has one was withdrawn, which harvesters
    # (OAI-PMH) are told as a deleted record; a draft that never was stays unknown to them.
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)

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
            # The importer's duplicate check by canonical URL, and by normalised text.
            models.Index(fields=["url"], name="article_url_idx"),
            models.Index(fields=["text_fingerprint"], name="article_fingerprint_idx"),
            # The facet cache's fingerprint: the last change to any article.
            models.Index(fields=["updated_at"], name="article_updated_idx"),
            # The source facet.
            models.Index(fields=["status", "source"], name="article_status_source_idx"),
            # A search's matches are joined by id to the count, the page and the facet counts:
            # this holds every column they filter or count on, so SQLite need not read each
            # matching article's row, which its long text spreads over several pages.
            models.Index(
                fields=["id", "status", "published_date", "year", "month", "source"],
                name="article_lookup_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # A save limited to other fields (a status change, a new version) derives nothing.
    DERIVED_FROM = frozenset(
        {"title", "standfirst", "body_html", "original", "published_date", "date_precision"}
    )

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.DERIVED_FROM & set(update_fields):
            self.prepare()
        elif "status" in update_fields and self._record_first_publication():
            # A publish action saves only the status: the first publication goes with it.
            kwargs["update_fields"] = {*update_fields, "first_published_at"}
        super().save(*args, **kwargs)
        self._loaded_body = self.body_html

    def get_absolute_url(self) -> str:
        return links.url("archive:article", self.slug)

    def linked(self) -> Linked:
        """The organisations, people and events this article names, as its page lists them
        (by name; events by date), read in one statement instead of three prefetches (or with
        the article itself, by `published_article`): the article page's links, its citation
        keywords and its related articles."""
        if "linked_rows" in self.__dict__:  # read with the article
            rows = json.loads(self.__dict__["linked_rows"] or "[]")
        else:
            with connections[self._state.db or router.db_for_read(Article)].cursor() as cursor:
                cursor.execute(f"{_linked_statement('%s')} ORDER BY {LINKED_ORDER}", [self.pk] * 3)
                rows = cursor.fetchall()
        found = Linked([], [], [])
        for kind, pk, name, slug, abbreviation, start in rows:
            if kind == 0:
                found.organisations.append(
                    Organisation(id=pk, name=name, slug=slug, abbreviation=abbreviation)
                )
            elif kind == 1:
                found.people.append(Person(id=pk, name=name, slug=slug))
            else:
                found.events.append(Event(id=pk, name=name, slug=slug, start_date=_date(start)))
        return found

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def prepare(self) -> None:
        """Derive the stored fields: checksum, clean body, plain text, year and month.

        Only derivation and the sanitiser live here; editorial rules (a headline repeated at
        the top of the text) belong where text enters, the importer and the admin form. The
        body is cleaned whenever it is not the clean body this row was loaded with, so
        whatever anyone typed or handed over is sanitised before it is stored; a body left
        empty is made from the original. Size limits are checked where text enters (the admin
        form, the importer with its own limit): here the sanitiser cleans what it is given,
        unless it knows the body as its own output (`sanitize.known_clean`), which it would
        give back unchanged.
        """
        if not self.original_checksum:
            self.original_checksum = hashlib.sha256(self.original.encode("utf-8")).hexdigest()
        if self.body_html and self.body_html == self._loaded_body:
            pass  # stored clean, and unchanged since it was loaded
        elif (known := sanitize.known_clean(self.body_html)) is not None:
            # The sanitiser's own recent output (the importer's, cleaned as it was read), or
            # some of its blocks: cleaning it again would give exactly this.
            self.body_html = known
        elif self.body_html.strip():
            cleaned = sanitize.sanitize(self.body_html, "html", max_bytes=NO_LIMIT)
            # A heading an editor typed as h1 stays in the body, as the one level below.
            if cleaned.title:
                heading = f"<h2>{escape(cleaned.title)}</h2>"
                cleaned = sanitize.sanitize(heading + cleaned.body_html, "html", max_bytes=NO_LIMIT)
            self.body_html = cleaned.body_html
        else:
            cleaned = sanitize.sanitize(self.original, self.original_format, max_bytes=NO_LIMIT)
            self.body_html = cleaned.body_html
            if not self.title and cleaned.title:
                self.title = cleaned.title[: self._meta.get_field("title").max_length]
        self.body_text = sanitize.html_to_text(self.body_html)
        self._record_first_publication()
        analysis = similarity.analyse(self.body_text)
        self.text_fingerprint, self.text_sketch = analysis.fingerprint, analysis.sketch
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

    def _record_first_publication(self) -> bool:
        """Note when the article was first published (harvesters tell withdrawn from never
        published by it); True when this save sets it."""
        if self.status == self.Status.PUBLISHED and not self.first_published_at:
            self.first_published_at = timezone.now()
            return True
        return False

    _loaded_body: str | None = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_body = instance.__dict__.get("body_html")
        return instance

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def display_title(self) -> str:
        """The title as readers see it: an editor's, not the source's, in [square brackets]."""
        return f"[{self.title}]" if self.title_supplied and self.title else self.title

    @property
    def display_standfirst(self) -> str:
        if self.standfirst_supplied and self.standfirst:
            return f"[{self.standfirst}]"
        return self.standfirst

    @property
    def has_supplied_text(self) -> bool:
        return bool(self.title_supplied or (self.standfirst_supplied and self.standfirst))

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
        """The standfirst, or else the opening of the text (its first TEASER_WORDS words), for
        lists of articles. A list reads only the text's first TEASER_CHARS characters (and
        one more, to know there is more), as `text_opening`, not the whole text, and only for
        an article without a standfirst (listing.articles_in_order)."""
        if self.standfirst:
            return self.display_standfirst
        opening = self.__dict__.get("text_opening")
        paragraph, *rest = (self.body_text if opening is None else opening).split("\n\n", 1)
        cut = opening is not None and not rest and len(paragraph) > TEASER_CHARS
        if cut:  # a first paragraph longer than what was read: its last word may be partial
            whole_word = paragraph[TEASER_CHARS].isspace()
            paragraph = paragraph[:TEASER_CHARS]
            if not whole_word and len(paragraph.split()) > 1:
                paragraph = paragraph.rsplit(None, 1)[0]
        words = paragraph.split()
        return " ".join(words[:TEASER_WORDS]) + ("…" if len(words) > TEASER_WORDS or cut else "")

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())

    @property
    def reading_minutes(self) -> int:
        """Minutes to read at 230 words a minute, at least one."""
        return max(1, math.ceil(self.word_count / 230))


class SearchMatch(models.Model):
    """An article that one search of the current request matched, with its rank (lower is a
    better match). The rows live in a temporary table that archive.search makes on each
    database connection, so the count, the page, the facets and the snippets of a request all
    join one materialised match instead of searching again; Django never creates the table.
    """

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_match",
    )
    search_id = models.IntegerField()
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "search_match"

    def __str__(self) -> str:
        return f"search {self.search_id}: article {self.article_id}"


# The admin's uploads waiting for (or read by) the import task.
from archive.import_batches import ImportBatch, ImportFile  # noqa: E402, F401


class SyndicatedCopy(models.Model):
    """A copy of an article published elsewhere (syndicated or reposted), recorded against the
    article it repeats instead of being imported as a second article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="copies")
    source = models.CharField(max_length=200, blank=True)
    url = models.URLField("URL of the copy", max_length=500, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    original_checksum = models.CharField("SHA-256", max_length=64, unique=True)
    similarity = models.FloatField(help_text="Share of the copy's word shingles the article has.")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["article", "imported_at"]
        verbose_name_plural = "syndicated copies"

    def __str__(self) -> str:
        return f"Copy of “{self.article}” from {self.source or self.original_filename}"


# -- the reading room's count cache (archive/counts.py owns these two tables) ----------------


class CacheGeneration(models.Model):
    """One row: a token that every write to the archive replaces (`counts.invalidate`).

    Every app server reads it once per request, so cached pages and counts made before a write
    are never served after it, on any server."""

    token = models.CharField(max_length=32)
    # When a reader asked for the index to be rebuilt in the background (a large archive only;
    # `counts.index`), cleared when it is built: one rebuild queued at a time, on all servers.
    rebuild_requested_at = models.DateTimeField(null=True, blank=True)

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
