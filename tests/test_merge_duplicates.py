"""Merging duplicate organisations, people or events: a preview of what moves, then one record
with every link, the others' names as aliases, their addresses redirecting, and an undo."""

import datetime as dt

import pytest
from django.urls import reverse

from archive import history
from archive.models import Article, Event, MergedRecord, Organisation, Person, Role
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate_pcs(pcs, tuc):
    """PCS entered twice: a second record with its own article, member, role and event."""
    dup = Organisation.objects.create(
        name="PCS union", slug="pcs-union", abbreviation="PCSU", aliases="Public and Commercial"
    )
    member = Organisation.objects.create(name="PCS Left Unity", slug="left-unity", parent=dup)
    person = Person.objects.create(name="Janice Godrich", slug="janice-godrich")
    Role.objects.create(person=person, organisation=dup, title="president")
    event = Event.objects.create(name="Ballot", slug="ballot", start_date=dt.date(2011, 6, 1))
    event.organisations.set([dup])
    article = make_article(title="PCS union ballots", slug="pcs-ballots", organisations=[dup])
    return dup, member, person, event, article


def _merge(client, records, survivor, confirm=True):
    changelist = reverse("admin:archive_organisation_changelist")
    data = {
        "action": "merge_selected",
        "_selected_action": [r.pk for r in records],
        "survivor": survivor.pk,
        "_version": [f"{r.pk}:{r.version}" for r in records],
    }
    if confirm:
        data["confirm"] = survivor.pk
    return client.post(changelist, data, follow=confirm)


def test_the_preview_says_what_will_move_and_changes_nothing(editor_client, pcs, duplicate_pcs):
    dup, member, person, event, article = duplicate_pcs
    response = _merge(editor_client, [pcs, dup], pcs, confirm=False)
    page = response.content.decode()
    for expected in (
        "What moves to",
        "1 article link",
        "PCS union ballots",
        "Janice Godrich, president",
        "PCS Left Unity",
        "Ballot",
        "New aliases: PCS union",
        "/pcs-union/ will redirect",
    ):
        assert expected in page, expected
    assert Organisation.objects.filter(pk=dup.pk).exists()


def test_merging_moves_every_link_and_keeps_the_old_addresses(
    client, editor_client, pcs, duplicate_pcs, published_article
):
    dup, member, person, event, article = duplicate_pcs
    response = _merge(editor_client, [pcs, dup], pcs)
    assert "Merged PCS union (PCSU) into" in response.content.decode()
    assert not Organisation.objects.filter(pk=dup.pk).exists()
    pcs.refresh_from_db()
    assert set(article.organisations.all()) == {pcs}
    assert Role.objects.get(person=person).organisation == pcs
    member.refresh_from_db()
    assert member.parent == pcs
    assert set(event.organisations.all()) == {pcs}
    assert "PCS union" in pcs.alias_list and "Public and Commercial" in pcs.alias_list
    # The old addresses, by slug and by id, lead to the survivor.
    assert client.get("/organisations/pcs-union/")["Location"] == "/organisations/pcs/"
    assert client.get(f"/o/{dup.pk}/")["Location"] == "/organisations/pcs/"
    # The merge is in the history, by the editor.
    entry = history.versions_of(pcs)[0]
    assert (
        entry.who == "editor"
        and entry.comment == "Merged PCS union into Public and Commercial Services Union."
    )
    assert history.versions_of(article)[0].comment.startswith("Merged PCS union")


def test_a_merge_can_be_undone(client, editor_client, pcs, duplicate_pcs):
    dup, member, person, event, article = duplicate_pcs
    _merge(editor_client, [pcs, dup], pcs)
    history_page = editor_client.get(
        reverse("admin:archive_organisation_history", args=[pcs.pk])
    ).content.decode()
    assert "Undo this merge" in history_page
    record = MergedRecord.objects.get(merged_id=dup.pk)
    url = reverse("admin:archive_organisation_undo_merge", args=[pcs.pk, record.pk])
    assert editor_client.post(url).status_code == 302

    restored = Organisation.objects.get(pk=dup.pk)
    assert restored.slug == "pcs-union" and restored.name == "PCS union"
    assert set(article.organisations.all()) == {restored}
    assert Role.objects.get(person=person).organisation == restored
    member.refresh_from_db()
    assert member.parent == restored
    assert set(event.organisations.all()) == {restored}
    pcs.refresh_from_db()
    assert "PCS union" not in pcs.alias_list
    assert client.get(f"/o/{dup.pk}/")["Location"] == "/organisations/pcs-union/"
    assert history.versions_of(pcs)[0].comment == "Undid the merge of PCS union (PCSU)."


def test_a_merge_based_on_a_stale_preview_is_refused(editor_client, pcs, duplicate_pcs):
    dup = duplicate_pcs[0]
    stale_version = dup.version
    dup.description = "Changed meanwhile."
    dup.save()
    dup.version = stale_version
    response = _merge(editor_client, [pcs, dup], pcs)
    assert "Nothing was merged" in response.content.decode()
    assert Organisation.objects.filter(pk=dup.pk).exists()


def test_people_merge_with_their_roles_and_articles(
    editor_client, serwotka, pcs, published_article
):
    dup = Person.objects.create(name="Mark Serwotka (2)", slug="serwotka", aliases="Mr Serwotka")
    Role.objects.create(person=dup, organisation=pcs, title="general secretary")
    other = make_article(title="Serwotka speaks", slug="speaks", people=[dup])
    changelist = reverse("admin:archive_person_changelist")
    editor_client.post(
        changelist,
        {
            "action": "merge_selected",
            "_selected_action": [serwotka.pk, dup.pk],
            "survivor": serwotka.pk,
            "confirm": serwotka.pk,
        },
    )
    assert not Person.objects.filter(pk=dup.pk).exists()
    assert Role.objects.filter(person=serwotka).count() == 1  # the same post, not duplicated
    assert set(other.people.all()) == {serwotka}
    serwotka.refresh_from_db()
    assert serwotka.alias_list == ["Mark Serwotka (2)", "Mr Serwotka"]


def test_events_merge_with_their_organisations(editor_client, n30, treasury):
    dup = Event.objects.create(name="N30", slug="n30", start_date=dt.date(2011, 11, 30))
    dup.organisations.set([treasury])
    article = make_article(title="N30 day", slug="n30-day", events=[dup])
    changelist = reverse("admin:archive_event_changelist")
    editor_client.post(
        changelist,
        {
            "action": "merge_selected",
            "_selected_action": [n30.pk, dup.pk],
            "survivor": n30.pk,
            "confirm": n30.pk,
        },
    )
    assert treasury in n30.organisations.all()
    assert set(article.events.all()) == {n30}
    assert Article.objects.get(pk=article.pk).version == 2
    n30.refresh_from_db()
    assert n30.alias_list == ["N30"]


def test_the_importer_finds_a_merged_event_by_its_old_name(editor_client, n30):
    from archive.importing.linking import EntityMatcher

    dup = Event.objects.create(name="N30 strike day", slug="n30", start_date=dt.date(2011, 11, 30))
    changelist = reverse("admin:archive_event_changelist")
    editor_client.post(
        changelist,
        {
            "action": "merge_selected",
            "_selected_action": [n30.pk, dup.pk],
            "survivor": n30.pk,
            "confirm": n30.pk,
        },
    )
    links = EntityMatcher.from_archive().find("Millions joined the N30 strike day.")
    assert links.events == [n30]
