"""Every change to the archive, kept: who, when, what, and the way back.

django-reversion stores each save as a version inside a revision (one per request, list action,
imported file or merge) with the user and a comment; this module is the archive's vocabulary
over it:

- `revision(user, comment)` wraps a write so what it saves is recorded together;
- `versions_of(obj)` and `changes_since(obj, version)` read the record, newest first, with the
  fields each version changed (what "who changed what since" messages name);
- `compare(a, b)` lines two versions up field by field, differences marked;
- `restore(obj, version)` saves an older version's fields as a new version (the original as
  received, the provenance and the derived fields are never taken from history).

The record itself is not editable by anyone through the site: no admin page writes to it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.contrib.auth.models import AnonymousUser
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Revision, Version

from archive.inserts import Insert

# Never taken from history by a restore: the original as received and its provenance, the
# row's own bookkeeping, and fields the model derives when it saves.
NOT_RESTORED = frozenset(
    {
        "id",
        "version",
        "original",
        "original_format",
        "original_checksum",
        "original_encoding",
        "original_filename",
        "imported_at",
        "imported_by",
        "date_inferred_from",
        "created_at",
        "updated_at",
        "year",
        "month",
        "body_text",
        # When the article was first published never changes once set (harvesters tell a
        # withdrawn article from one never published by it); the text's fingerprint and
        # sketch (near-duplicates) are derived from the body.
        "first_published_at",
        "text_fingerprint",
        "text_sketch",
    }
)
# Not shown when versions are compared: they change with every save, or only with the body.
NOT_COMPARED = frozenset(
    {
        "id",
        "version",
        "updated_at",
        "year",
        "month",
        "body_text",
        "original",
        "first_published_at",
        "text_fingerprint",
        "text_sketch",
    }
)


def register_models() -> None:
    """Put the archive's models under version control (called once, from the app config)."""
    from archive.models import Article, Event, Organisation, Person, Role

    for model, exclude in (
        # body_text is made from body_html on every save; the original never changes after
        # the first save (it is read-only everywhere and no restore touches it), so each
        # version need not carry another copy of what may be megabytes.
        (Article, ("body_text", "original")),
        (Organisation, ()),
        (Person, ()),
        (Role, ()),
        (Event, ()),
    ):
        if not reversion.is_registered(model):
            reversion.register(model, exclude=exclude)


@contextmanager
def revision(user=None, comment: str = "", atomic: bool = True) -> Iterator[None]:
    """Record every archive object saved inside the block as one revision, by `user`.

    `atomic=False` inside a transaction the caller already holds (saves a savepoint)."""
    with reversion.create_revision(atomic=atomic):
        if user is not None and not isinstance(user, AnonymousUser) and user.pk:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        yield


def set_comment(comment: str) -> None:
    if reversion.is_active():
        reversion.set_comment(comment)


def account(username: str):
    """The account with this username, or None (the command line is no account)."""
    from django.contrib.auth import get_user_model

    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


def record(objects: Iterable[models.Model], comment: str, user=None) -> None:
    """Record the objects as they are now, as one revision (for writes outside the admin),
    within the caller's transaction: a rolled-back write leaves no record of itself.

    Outside any revision (the importer, one file at a time) the revision and its versions are
    written directly, as django-reversion would write them, without its existence check (the
    caller has just saved them) and, for links the caller has named (`known_links`: the
    importer's freshly written ones), without reading them back: two inserts a file instead of
    six statements, each built once (archive.inserts). Inside a revision the objects join it,
    as reversion does.
    """
    from reversion.revisions import _get_content_type, _get_options

    objects = [obj for obj in objects if obj.pk is not None]
    if reversion.is_active() or any(
        _get_options(type(obj)).follow or _get_options(type(obj)).ignore_duplicates
        for obj in objects
    ):  # joining a revision, following relations, skipping duplicates: reversion's own way
        with revision(user, comment, atomic=False):
            for obj in objects:
                reversion.add_to_revision(obj)
        return
    if not objects:
        return
    using = router.db_for_write(Revision)
    versions = []
    for obj in objects:
        options = _get_options(type(obj))
        versions.append(
            Version(
                content_type=_get_content_type(type(obj), using),
                object_id=force_str(getattr(obj, options.object_id_field)),
                db=router.db_for_write(type(obj), instance=obj),
                format=options.format,
                serialized_data=_serialised(obj, options),
                object_repr=force_str(obj),
            )
        )
    real_user = (
        user if user is not None and not isinstance(user, AnonymousUser) and user.pk else None
    )
    saved = Revision(date_created=timezone.now(), user=real_user, comment=comment)
    _REVISION_INSERT.one(saved, using)
    for version in versions:
        version.revision = saved
    _VERSION_INSERT.many(versions, using)


# The two inserts of `record`, built once (an import writes them for every file).
_REVISION_INSERT = Insert(Revision, ["date_created", "user", "comment"])
_VERSION_INSERT = Insert(
    Version,
    ["revision", "object_id", "content_type", "db", "format", "serialized_data", "object_repr"],
)


def known_links(obj: models.Model, **related: Iterable[models.Model]) -> None:
    """Tell `record` which objects `obj`'s many-to-many fields hold, so that it reads none of
    them back: for a writer that has just written exactly these links (the importer). Used
    by the next `record` of `obj` only."""
    obj.__dict__["_links_for_history"] = {
        name: sorted(item.pk for item in items) for name, items in related.items()
    }


def _serialised(obj: models.Model, options) -> str:
    """The object as django-reversion serialises it; its links from `known_links` if given."""
    known = obj.__dict__.pop("_links_for_history", None)
    many = [field.name for field in obj._meta.many_to_many if field.name in options.fields]
    if (
        known is None
        or options.format != "json"
        or options.use_natural_foreign_keys
        or any(name not in known for name in many)
    ):
        return serializers.serialize(
            options.format,
            (obj,),
            fields=options.fields,
            use_natural_foreign_keys=options.use_natural_foreign_keys,
        )
    local = [name for name in options.fields if name not in many]
    (data,) = serializers.serialize("python", (obj,), fields=local)
    for name in many:  # last, in the model's order, as the serialiser puts them
        data["fields"][name] = list(known[name])
    # As django's JSON serialiser writes a list of one object.
    return f"[{json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)}]"


@dataclass
class Entry:
    """One version of an object, with what it changed from the version before it."""

    version: Version
    number: int | None
    changed: list[str]

    @property
    def revision(self):
        return self.version.revision

    @property
    def who(self) -> str:
        user = self.version.revision.user
        if user is None:
            return "a script (no account)"
        return user.get_username()

    @property
    def when(self):
        return self.version.revision.date_created

    @property
    def comment(self) -> str:
        return self.version.revision.get_comment()

    @property
    def label(self) -> str:
        number = f"version {self.number}" if self.number else "a version"
        return f"{number.capitalize()} of {self.when:%-d %b %Y %H:%M:%S}"


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and not field.auto_created
    ] + [field for field in model._meta.many_to_many]


def _label(field: models.Field) -> str:
    return str(getattr(field, "verbose_name", field.name)).capitalize()


def _compared_fields(model: type[models.Model]) -> list[models.Field]:
    seen, fields = set(), []
    for field in _fields(model):
        if field.name not in NOT_COMPARED and field.name not in seen:
            seen.add(field.name)
            fields.append(field)
    return fields


def _value(version: Version, field: models.Field):
    data = version.field_dict
    value = data.get(field.attname, data.get(field.name))
    if field.many_to_many and value is not None:
        return sorted(int(pk) for pk in value)
    return value


def versions_of(obj: models.Model) -> list[Entry]:
    """The object's versions, newest first, each with the fields it changed."""
    versions = list(
        Version.objects.get_for_object(obj).select_related("revision", "revision__user")
    )
    fields = _compared_fields(type(obj))
    entries = []
    for index, version in enumerate(versions):
        before = versions[index + 1] if index + 1 < len(versions) else None
        changed = (
            [_label(f) for f in fields if _value(version, f) != _value(before, f)]
            if before is not None
            else []
        )
        number = version.field_dict.get("version")
        entries.append(Entry(version, number, changed))
    return entries


def changes_since(obj: models.Model, loaded_version: int | None) -> list[Entry]:
    """The versions saved after `loaded_version`, oldest first."""
    if loaded_version is None:
        return []
    return [
        entry
        for entry in reversed(versions_of(obj))
        if entry.number is not None and entry.number > loaded_version
    ]


def describe_changes(entries: list[Entry]) -> str:
    """ "alice (23 Nov 2026 17:40:02 UTC): changed Title, Body" for each version."""
    parts = []
    for entry in entries:
        what = (
            f"changed {', '.join(entry.changed)}"
            if entry.changed
            else (entry.comment or "saved it")
        )
        parts.append(f"{entry.who} ({entry.when:%-d %b %Y %H:%M:%S} UTC): {what}")
    return "; ".join(parts)


CONTEXT_WORDS = 20  # words shown either side of a change in a long text
UNCHANGED_CHARS = 300  # an unchanged field is shown up to this long


@dataclass
class Row:
    label: str
    left: SafeString
    right: SafeString
    changed: bool


def _display(field: models.Field, value) -> str:
    if value is None or value == "":
        return ""
    if field.many_to_many or field.is_relation:
        model = field.related_model
        ids = value if isinstance(value, list) else [value]
        found = model._base_manager.in_bulk(ids)
        return "\n".join(str(found[pk]) if pk in found else f"(deleted, id {pk})" for pk in ids)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _marked(left: str, right: str) -> tuple[SafeString, SafeString]:
    """The two texts, escaped, with the words only one of them has marked del / ins."""
    a, b = left.split(" "), right.split(" ")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if op == "equal":
            # A long unchanged stretch is cut to its ends: the eye goes to what changed.
            if i2 - i1 > 2 * CONTEXT_WORDS + 10:
                skipped = i2 - i1 - 2 * CONTEXT_WORDS
                head = " ".join(a[i1 : i1 + CONTEXT_WORDS]) if i1 else ""
                tail = " ".join(a[i2 - CONTEXT_WORDS : i2]) if i2 < len(a) else ""
                old = new = format_html(
                    '{} <span class="unchanged">[… {} words unchanged …]</span> {}',
                    head,
                    skipped + (0 if i1 else CONTEXT_WORDS) + (0 if i2 < len(a) else CONTEXT_WORDS),
                    tail,
                )
            out_a.append(old)
            out_b.append(new)
            continue
        if old:
            out_a.append(f"<del>{old}</del>")
        if new:
            out_b.append(f"<ins>{new}</ins>")
    return mark_safe(" ".join(out_a)), mark_safe(" ".join(out_b))  # noqa: S308 - escaped above


def compare(older: Version, newer: Version) -> list[Row]:
    """Every compared field of the two versions side by side, differences marked."""
    rows = []
    for field in _compared_fields(older._model):
        left = _display(field, _value(older, field))
        right = _display(field, _value(newer, field))
        if left == right:
            shown = left if len(left) <= UNCHANGED_CHARS else left[:UNCHANGED_CHARS] + " …"
            rows.append(Row(_label(field), escape(shown), escape(shown), False))
        else:
            marked_left, marked_right = _marked(left, right)
            rows.append(Row(_label(field), marked_left, marked_right, True))
    return rows


def restore(obj: models.Model, version: Version, user=None) -> models.Model:
    """Save the old version's fields over the object as a new version (the rule of versions
    holds: `obj` must be at the version the editor saw, or StaleEdit is raised)."""
    data = version.field_dict
    many = {}
    for field in _fields(type(obj)):
        if field.name in NOT_RESTORED or field.attname not in data and field.name not in data:
            continue
        value = data.get(field.attname, data.get(field.name))
        if field.many_to_many:
            many[field.name] = field.related_model._base_manager.filter(
                pk__in=[int(pk) for pk in value or []]
            )
        elif field.is_relation:
            exists = value is not None and field.related_model._base_manager.filter(pk=value)
            setattr(obj, field.attname, value if exists and exists.exists() else None)
        else:
            setattr(obj, field.attname, value)
    number = data.get("version")
    with revision(
        user, f"Restored version {number} of {version.revision.date_created:%-d %b %Y %H:%M}."
    ):
        obj.full_clean(exclude=["version", *NOT_RESTORED], validate_unique=True)
        obj.save()
        for name, queryset in many.items():
            getattr(obj, name).set(queryset)
        reversion.add_to_revision(obj)
    return obj
