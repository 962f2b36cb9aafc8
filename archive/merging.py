"""Merge duplicate organisations, people or events into one, and undo a merge.

`plan(survivor, others)` says what a merge would move, for the admin's preview; `merge(...)`
moves it in one transaction and one revision of the history: links from articles, roles,
members and successors (organisations), events' organisations; the others' names become the
survivor's aliases, their addresses (slugs and permanent ids) lead to the survivor, and what
each merge moved is kept in its MergedRecord so that `undo(record)` puts it back exactly.

Every save goes through the rule of versions: a record changed since the editor's preview makes
the merge fail with StaleEdit, and nothing is moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core import serializers
from django.db import models, transaction

from archive import history
from archive.models import (
    Article,
    Event,
    FormerAddress,
    MergedRecord,
    Organisation,
    Person,
    Role,
    StaleEdit,
    split_aliases,
)

MERGEABLE = (Organisation, Person, Event)
ARTICLE_RELATION = {Organisation: "organisations", Person: "people", Event: "events"}


@dataclass
class Moves:
    """What one record would hand over to the survivor."""

    record: models.Model
    articles: list[Article] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    children: list[Organisation] = field(default_factory=list)
    successors: list[Organisation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)  # an event's
    aliases: list[str] = field(default_factory=list)


def _names(record: models.Model) -> list[str]:
    names = [record.name]
    if getattr(record, "abbreviation", ""):
        names.append(record.abbreviation)
    if hasattr(record, "aliases"):
        names += split_aliases(record.aliases)
    return names


def plan(survivor: models.Model, others: list[models.Model]) -> list[Moves]:
    """What each of `others` would hand over to `survivor`, for the preview."""
    model = type(survivor)
    known = {name.casefold() for name in _names(survivor)}
    result = []
    for other in others:
        moves = Moves(other)
        moves.articles = list(
            Article.objects.filter(**{ARTICLE_RELATION[model]: other}).order_by("title")
        )
        if model is Organisation:
            moves.roles = list(other.roles.select_related("person"))
            moves.children = list(other.children.all())
            moves.successors = list(other.successors.all())
            moves.events = list(other.events.all())
        elif model is Person:
            moves.roles = list(other.roles.select_related("organisation"))
        else:
            moves.organisations = list(other.organisations.all())
        if hasattr(model, "aliases"):
            for name in _names(other):
                if name.casefold() not in known:
                    known.add(name.casefold())
                    moves.aliases.append(name)
        result.append(moves)
    return result


def _check_version(record: models.Model, loaded: dict[int, int]) -> None:
    expected = loaded.get(record.pk, record.version)
    current = type(record).objects.filter(pk=record.pk).values_list("version", flat=True).first()
    if current != expected:
        raise StaleEdit(record, expected)


def merge(
    survivor: models.Model,
    others: list[models.Model],
    *,
    user=None,
    loaded_versions: dict[int, int] | None = None,
) -> list[MergedRecord]:
    """Merge `others` into `survivor` (one transaction, one revision); returns the records."""
    model = type(survivor)
    if model not in MERGEABLE or any(type(o) is not model for o in others):
        raise ValueError("Only organisations, people or events of one kind merge.")
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        raise ValueError("Choose at least two records to merge.")
    loaded = loaded_versions or {}
    names = ", ".join(o.name for o in others)
    records = []
    with transaction.atomic(), history.revision(user, f"Merged {names} into {survivor.name}."):
        for record in (survivor, *others):
            _check_version(record, loaded)
        survivor.version = loaded.get(survivor.pk, survivor.version)
        moves_list = plan(survivor, others)
        for moves in moves_list:
            records.append(_merge_one(survivor, moves, user))
        if hasattr(survivor, "aliases"):
            added = [alias for moves in moves_list for alias in moves.aliases]
            survivor.aliases = "\n".join([*split_aliases(survivor.aliases), *added])
        survivor.save()
    return records


def _merge_one(survivor: models.Model, moves: Moves, user) -> MergedRecord:
    other = moves.record
    model = type(survivor)
    relation = ARTICLE_RELATION[model]
    undo: dict = {
        "record": serializers.serialize("json", [other]),
        "aliases": moves.aliases,
        "articles": [],
        "events": [],
        "roles_moved": [],
        "roles_deleted": [],
        "children": [],
        "successors": [],
        "organisations_added": [],
        "survivor_fields": {},
    }
    for article in moves.articles:
        links = getattr(article, relation)
        had = links.filter(pk=survivor.pk).exists()
        undo["articles"].append([article.pk, had])
        links.remove(other)
        if not had:
            links.add(survivor)
        article.save(update_fields=["updated_at"])  # a new version: open forms are now stale
    side = "organisation" if model is Organisation else "person"
    for role in moves.roles:
        # The survivor may hold the same post already: then the duplicate role goes.
        if Role.objects.filter(
            **{side: survivor},
            **(
                {"person": role.person}
                if side == "organisation"
                else {"organisation": role.organisation}
            ),
            title=role.title,
        ).exists():
            undo["roles_deleted"].append(serializers.serialize("json", [role]))
            role.delete()
        else:
            setattr(role, side, survivor)
            role.save()
            undo["roles_moved"].append(role.pk)
    if model is Organisation:
        for child in moves.children:
            if child.pk != survivor.pk:
                child.parent = survivor
                child.save()
                undo["children"].append(child.pk)
        for successor in moves.successors:
            if successor.pk != survivor.pk:
                successor.predecessor = survivor
                successor.save()
                undo["successors"].append(successor.pk)
        for event in moves.events:
            had = event.organisations.filter(pk=survivor.pk).exists()
            undo["events"].append([event.pk, had])
            event.organisations.remove(other)
            if not had:
                event.organisations.add(survivor)
            event.save()
        for name in ("parent_id", "predecessor_id"):
            if getattr(survivor, name) == other.pk:  # it pointed at its duplicate
                undo["survivor_fields"][name] = other.pk
                setattr(survivor, name, None)
            elif getattr(survivor, name) is None and getattr(other, name) not in (
                None,
                survivor.pk,
            ):
                undo["survivor_fields"][name] = None  # adopted from the duplicate
                setattr(survivor, name, getattr(other, name))
    if model is Event:
        for organisation in moves.organisations:
            if not survivor.organisations.filter(pk=organisation.pk).exists():
                survivor.organisations.add(organisation)
                undo["organisations_added"].append(organisation.pk)
    kind = model._meta.model_name
    # Its addresses: the slug it had (and any former ones, through its id) lead to the survivor.
    FormerAddress.objects.update_or_create(
        kind=kind, slug=other.slug, defaults={"object_id": other.pk}
    )
    record = MergedRecord.objects.create(
        kind=kind,
        merged_id=other.pk,
        merged_name=str(other),
        into_id=survivor.pk,
        merged_by=user.get_username() if user is not None else "",
        undo=undo,
    )
    # The record goes; its last version stays in the history, and `undo` can bring it back.
    reversion_add(other)
    other.delete()
    return record


def reversion_add(obj: models.Model) -> None:
    import reversion

    if reversion.is_active():
        reversion.add_to_revision(obj)


def undo(record: MergedRecord, user=None) -> models.Model:
    """Put a merged record back with everything the merge moved; returns it."""
    model = {m._meta.model_name: m for m in MERGEABLE}[record.kind]
    relation = ARTICLE_RELATION[model]
    data = record.undo
    with transaction.atomic(), history.revision(user, f"Undid the merge of {record.merged_name}."):
        survivor = model.objects.get(pk=record.into_id)
        (restored,) = serializers.deserialize("json", data["record"])
        restored.save()  # the same id, slug and fields (and an event's organisations)
        other = model.objects.get(pk=record.merged_id)
        reversion_add(other)
        for article_id, had in data["articles"]:
            article = Article.objects.filter(pk=article_id).first()
            if article is None:
                continue
            links = getattr(article, relation)
            links.add(other)
            if not had:
                links.remove(survivor)
            article.save(update_fields=["updated_at"])
        side = "organisation" if model is Organisation else "person"
        for role in Role.objects.filter(pk__in=data["roles_moved"]):
            setattr(role, side, other)
            role.save()
        for serialized in data["roles_deleted"]:
            for role in serializers.deserialize("json", serialized):
                role.save()
                reversion_add(role.object)
        for child in Organisation.objects.filter(pk__in=data["children"], parent=survivor):
            child.parent = other
            child.save()
        for successor in Organisation.objects.filter(
            pk__in=data["successors"], predecessor=survivor
        ):
            successor.predecessor = other
            successor.save()
        for event_id, had in data["events"]:
            event = Event.objects.filter(pk=event_id).first()
            if event is not None:
                event.organisations.add(other)
                if not had:
                    event.organisations.remove(survivor)
                event.save()
        if data["organisations_added"]:
            survivor.organisations.remove(*data["organisations_added"])
        for name, value in data["survivor_fields"].items():
            setattr(survivor, name, value)
        if hasattr(survivor, "aliases"):
            taken = {alias.casefold() for alias in data["aliases"]}
            survivor.aliases = "\n".join(
                a for a in split_aliases(survivor.aliases) if a.casefold() not in taken
            )
        survivor.save()
        MergedRecord.objects.filter(kind=record.kind, merged_id=record.merged_id).delete()
    return other
