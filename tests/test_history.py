"""Every change is kept with who, when and what; any two versions compare side by side; an
older one can be restored as a new version; the original as received never changes."""

import pytest
from django.urls import reverse
from reversion.models import Revision, Version

from archive import history
from archive.importing.service import import_files
from archive.models import Article
from tests.admin_forms import change_url, form_data

pytestmark = pytest.mark.django_db


def _history_url(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_history", args=[obj.pk])


def _edit(client, obj, **changes):
    data = form_data(client.get(change_url(obj)))
    data.update(changes)
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    obj.refresh_from_db()


def test_an_admin_edit_is_recorded_with_who_when_and_which_fields(editor_client, published_article):
    _edit(editor_client, published_article, title="First title")
    _edit(editor_client, published_article, title="Second title", byline="A Reporter")
    entries = history.versions_of(published_article)
    assert [e.number for e in entries] == [3, 2]
    assert entries[0].who == "editor"
    assert entries[0].changed == ["Title", "Byline"]
    page = editor_client.get(_history_url(published_article)).content.decode()
    assert "Title, Byline" in page and "editor" in page and "Changed Title and Byline." in page


def test_publish_and_withdraw_actions_are_in_the_history(editor_client, draft_article):
    changelist = reverse("admin:archive_article_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [draft_article.pk]})
    editor_client.post(changelist, {"action": "withdraw", "_selected_action": [draft_article.pk]})
    entries = history.versions_of(draft_article)
    assert [e.comment for e in entries] == [
        "Withdrew with the list action.",
        "Published with the list action.",
    ]
    assert entries[0].changed == ["Status"] and entries[0].who == "editor"


def test_an_import_is_in_the_history_under_the_importing_account(editor, write_file):
    path = write_file("strike.txt", "Strike called\n\nThe union called a strike over pay.")
    report = import_files([path], imported_by="editor")
    article = Article.objects.get(pk=report.outcomes[0].article_id)
    (entry,) = history.versions_of(article)
    assert entry.who == "editor" and entry.comment == "Imported from strike.txt by editor."


def test_two_versions_are_shown_side_by_side_with_the_differences_marked(
    editor_client, published_article
):
    _edit(editor_client, published_article, title="Pensions strike <b>called</b>")
    _edit(editor_client, published_article, title="Pensions strike postponed")
    newer, older = Version.objects.get_for_object(published_article)[:2]
    url = reverse("admin:archive_article_history_compare", args=[published_article.pk])
    page = editor_client.get(url, {"older": older.pk, "newer": newer.pk}).content.decode()
    assert "<del>&lt;b&gt;called&lt;/b&gt;</del>" in page  # marked, and escaped
    assert "<ins>postponed</ins>" in page
    assert 'class="changed"' in page


def test_restoring_an_older_version_saves_it_as_a_new_one_and_keeps_the_original(
    editor_client, published_article
):
    original = published_article.original
    _edit(editor_client, published_article, title="Good title", body_html="<p>Good text.</p>")
    _edit(editor_client, published_article, title="Vandalised", body_html="<p>Spam.</p>")
    good = history.versions_of(published_article)[1].version
    url = reverse("admin:archive_article_history_restore", args=[published_article.pk, good.pk])
    preview = editor_client.get(url).content.decode()
    assert "<del>Vandalised</del>" in preview or "Vandalised" in preview
    response = editor_client.post(url, {"version": published_article.version})
    assert response.status_code == 302
    published_article.refresh_from_db()
    assert published_article.title == "Good title"
    assert published_article.body_html == "<p>Good text.</p>"
    assert published_article.body_text == "Good text."
    assert published_article.original == original
    entries = history.versions_of(published_article)
    assert len(entries) == 3 and entries[0].comment.startswith("Restored version 2")


def test_a_restore_based_on_an_old_page_is_refused(editor_client, published_article):
    _edit(editor_client, published_article, title="One")
    _edit(editor_client, published_article, title="Two")
    first = history.versions_of(published_article)[1].version
    url = reverse("admin:archive_article_history_restore", args=[published_article.pk, first.pk])
    response = editor_client.post(url, {"version": published_article.version - 1})
    assert "your changes were not saved" in response.content.decode()
    published_article.refresh_from_db()
    assert published_article.title == "Two"


def test_the_history_cannot_be_edited_or_deleted_by_editors(editor_client, published_article):
    _edit(editor_client, published_article, title="Edited")
    for model in ("revision", "version"):
        for view in ("changelist", "add"):
            url = f"/admin/reversion/{model}/" + ("add/" if view == "add" else "")
            assert editor_client.get(url).status_code == 404
    assert Revision.objects.count() == 1


def test_a_long_text_is_compared_by_its_changes_not_in_full(editor_client, published_article):
    words = [f"word{n}" for n in range(400)]
    _edit(editor_client, published_article, body_html=f"<p>{' '.join(words)}</p>")
    words[200] = "CHANGED"
    _edit(editor_client, published_article, body_html=f"<p>{' '.join(words)}</p>")
    newer, older = Version.objects.get_for_object(published_article)[:2]
    url = reverse("admin:archive_article_history_compare", args=[published_article.pk])
    page = editor_client.get(url, {"older": older.pk, "newer": newer.pk}).content.decode()
    assert "<del>word200</del>" in page and "<ins>CHANGED</ins>" in page
    assert "words unchanged" in page and "word100 " not in page
    assert "word180" in page and "word220" in page  # the context either side


@pytest.mark.parametrize("model", ["organisation", "person", "event", "role"])
def test_every_archive_model_has_a_history_to_restore_from(
    editor_client, pcs, serwotka, n30, model
):
    obj = {"organisation": pcs, "person": serwotka, "event": n30, "role": serwotka.roles.get()}[
        model
    ]
    field = "title" if model == "role" else "name"
    before = getattr(obj, field)
    _edit(editor_client, obj, **{field: "A first correction"})
    _edit(editor_client, obj, **{field: "A mistake"})
    page = editor_client.get(change_url(obj)).content.decode()
    assert 'class="historylink"' in page
    first = history.versions_of(obj)[1]
    url = reverse(f"admin:archive_{model}_history_restore", args=[obj.pk, first.version.pk])
    assert editor_client.post(url, {"version": obj.version}).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "A first correction" != before
    assert [e.number for e in history.versions_of(obj)] == [4, 3, 2]


def test_versions_do_not_copy_the_original_which_never_changes(editor_client, published_article):
    _edit(editor_client, published_article, title="Edited")
    (version,) = Version.objects.get_for_object(published_article)
    assert "original" not in version.field_dict
    assert published_article.original_checksum in version.serialized_data


def test_a_dry_run_import_leaves_nothing_in_the_history(editor, write_file):
    path = write_file("strike.txt", "Strike called\n\nThe union called a strike over pay.")
    import_files([path], imported_by="editor", dry_run=True)
    assert not Revision.objects.exists() and not Version.objects.exists()


def test_restoring_a_version_from_before_publication_keeps_when_it_was_first_published(
    editor_client, draft_article
):
    _edit(editor_client, draft_article, title="Still a draft")
    draft_version = history.versions_of(draft_article)[0].version
    _edit(editor_client, draft_article, status=Article.Status.PUBLISHED)
    first_published = draft_article.first_published_at
    assert first_published is not None
    url = reverse(
        "admin:archive_article_history_restore", args=[draft_article.pk, draft_version.pk]
    )
    editor_client.post(url, {"version": draft_article.version})
    draft_article.refresh_from_db()
    assert draft_article.status == Article.Status.DRAFT  # withdrawn, as that version was
    # ... but it was published once: harvesters must still be told it was withdrawn.
    assert draft_article.first_published_at == first_published


def test_an_edit_lists_only_the_fields_the_editor_changed(editor_client, published_article):
    _edit(editor_client, published_article, byline="A Reporter")
    _edit(editor_client, published_article, byline="Another Reporter")
    # Not the fields a save derives (the text's fingerprint, when it was first published).
    assert history.versions_of(published_article)[0].changed == ["Byline"]


def test_an_imports_version_is_the_one_reversion_records_links_and_all(
    editor, editor_client, write_file, pcs, tuc, serwotka
):
    """The importer writes its revision directly, without reading back the links it has just
    written: the version holds exactly what django-reversion itself would record, so it
    compares with and restores like any other."""
    path = write_file(
        "strike.txt",
        "PCS strike called\n\nMark Serwotka said PCS and the TUC would ballot members over pay.",
    )
    report = import_files([path], imported_by="editor")
    article = Article.objects.get(pk=report.outcomes[0].article_id)
    (imported,) = Version.objects.get_for_object(article)
    assert imported.revision.user == editor
    assert imported.revision.comment == "Imported from strike.txt by editor."
    assert sorted(imported.field_dict["organisations"]) == sorted([pcs.pk, tuc.pk])
    assert imported.field_dict["people"] == [serwotka.pk]
    # What reversion records of the same article, read afresh from the database.
    with history.revision(editor, "Recorded by reversion."):
        history.reversion.add_to_revision(Article.objects.get(pk=article.pk))
    by_reversion = Version.objects.get_for_object(article).first()
    assert by_reversion.pk != imported.pk
    ours, theirs = dict(imported.field_dict), dict(by_reversion.field_dict)
    for name in ("organisations", "people", "events"):
        ours[name], theirs[name] = sorted(ours[name]), sorted(theirs[name])
    assert ours == theirs
    assert (imported.object_id, imported.content_type, imported.db, imported.format) == (
        by_reversion.object_id,
        by_reversion.content_type,
        by_reversion.db,
        by_reversion.format,
    )
    # Unlinked, then restored to the imported version: the links come back.
    article.organisations.clear()
    restored = history.restore(Article.objects.get(pk=article.pk), imported)
    assert sorted(restored.organisations.values_list("pk", flat=True)) == sorted([pcs.pk, tuc.pk])
    assert not any(row.changed for row in history.compare(imported, by_reversion))


def test_an_import_inside_a_revision_joins_it(editor, write_file):
    path = write_file("strike.txt", "Strike called\n\nThe union called a strike over pay.")
    with history.revision(editor, "A batch."):
        report = import_files([path], imported_by="editor")
    article = Article.objects.get(pk=report.outcomes[0].article_id)
    assert Revision.objects.count() == 1
    (entry,) = history.versions_of(article)
    assert entry.who == "editor"
