"""The admin's imports run as background tasks, with a progress page, and within budgets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from archive.import_batches import ImportBatch, ImportFile
from archive.models import Article
from archive.tasks import import_batch

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:archive_article_import")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _files() -> list[SimpleUploadedFile]:
    return [
        _upload("strike.txt", b"PCS strike\n\nPCS members walked out over pay.\n"),
        _upload("rail.html", b"<h1>Rail strike</h1><p>Rail workers walked out.</p>"),
        _upload("empty.txt", b""),
    ]


def _batch(*files: tuple[str, bytes], **fields) -> ImportBatch:
    batch = ImportBatch.objects.create(created_by="editor", total=len(files), **fields)
    for position, (name, content) in enumerate(files):
        ImportFile.objects.create(
            batch=batch, position=position, name=name, size=len(content), content=content
        )
    return batch


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker closes connections
@override_settings(TASKS=DATABASE_TASKS)
def test_an_upload_is_queued_for_the_worker_and_the_progress_page_follows_it(admin_client):
    editor_client = admin_client  # a flushed transactional database has no Editors group
    response = editor_client.post(IMPORT_URL, {"files": _files()})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert not Article.objects.exists()  # the request imported nothing
    page = editor_client.get(batch.get_absolute_url()).content.decode()
    assert "0 of 3 files done" in page and "Waiting for the import worker" in page
    assert '<meta http-equiv="refresh"' in page

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    page = editor_client.get(batch.get_absolute_url()).content.decode()
    assert "3 of 3 files done" in page and "Import finished" in page
    assert "Imported 2, duplicates 0, refused 1." in page
    assert page.count("<td>imported</td>") == 2 and "empty file" in page
    assert '<meta http-equiv="refresh"' not in page
    assert Article.objects.count() == 2
    # The stored bytes are dropped once read; the outcomes stay for the report.
    assert not ImportFile.objects.exclude(content=b"").exists()


def test_the_progress_page_shows_the_outcomes_so_far_and_survives_reloads(editor_client):
    batch = _batch(("one.txt", b"Pay talks\n\nTalks on pay resumed."), ("two.txt", b""))
    first = ImportFile.objects.get(batch=batch, position=0)
    first.outcome = "refused"
    first.report = {"path": "one.txt", "outcome": "refused", "reason": "a test reason"}
    first.save()
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)

    for _ in range(2):
        page = editor_client.get(batch.get_absolute_url()).content.decode()
        assert "1 of 2 files done" in page and "Importing" in page
        assert "a test reason" in page and "two.txt" not in page


def test_a_task_run_again_goes_on_with_the_files_not_yet_done(editor_client):
    batch = _batch(
        ("done.txt", b"Already imported\n\nThis one was done before the worker stopped."),
        ("next.txt", b"Dock strike\n\nDockers walked out at dawn."),
    )
    done = ImportFile.objects.get(batch=batch, position=0)
    done.outcome, done.content = "imported", b""
    done.report = {"path": "done.txt", "outcome": "imported", "title": "Already imported"}
    done.save()

    import_batch.call(batch.pk)

    assert list(Article.objects.values_list("title", flat=True)) == ["Dock strike"]
    batch.refresh_from_db()
    assert batch.finished and batch.report().summary == "Imported 2, duplicates 0, refused 0."
    assert import_batch.call(batch.pk) == "already finished"
    assert Article.objects.count() == 1


@override_settings(ARCHIVE_IMPORT_FILE_SECONDS=0, ARCHIVE_IMPORT_TRIAL_BYTES=0)
def test_a_file_over_the_time_budget_is_refused_with_its_reason_and_nothing_written():
    batch = _batch(("slow.html", b"<h1>Slow</h1><p>" + b"Strike! " * 1000 + b"</p>"))

    import_batch.call(batch.pk)

    outcome = batch.report().outcomes[0]
    assert outcome.outcome == "refused"
    assert outcome.reason == "takes too long to read (over the limit of 0 s)"
    assert not Article.objects.exists()


def test_a_file_over_the_memory_budget_is_refused_and_the_batch_goes_on():
    paragraph = b"<p>" + b"Members voted to strike over pay and pensions. " * 20 + b"</p>"
    big = b"<h1>Big</h1>" + paragraph * (3_000_000 // len(paragraph))
    small = b"Pay deal\n\nThe union accepted the pay offer."
    batch = _batch(("big.html", big), ("small.txt", small))

    with override_settings(ARCHIVE_IMPORT_FILE_MEMORY_MB=1, ARCHIVE_IMPORT_TRIAL_BYTES=1024):
        import_batch.call(batch.pk)

    big_outcome, small_outcome = batch.report().outcomes
    assert big_outcome.outcome == "refused"
    assert big_outcome.reason == "needs too much memory to read (over the limit of 1 MB)"
    assert small_outcome.outcome == "imported"
    assert list(Article.objects.values_list("title", flat=True)) == ["Pay deal"]


@override_settings(ARCHIVE_IMPORT_TRIAL_BYTES=0)
def test_files_within_the_budgets_are_imported_as_usual():
    batch = _batch(("pay.txt", b"Pay deal\n\nThe union accepted the pay offer."))

    import_batch.call(batch.pk)

    assert batch.report().outcomes[0].outcome == "imported"


@override_settings(ARCHIVE_MAX_ORIGINAL_BYTES=100)
def test_an_uploaded_file_over_the_size_limit_is_refused_without_being_stored(editor_client):
    editor_client.post(IMPORT_URL, {"files": [_upload("big.txt", b"Strike\n\n" + b"x" * 200)]})

    file = ImportFile.objects.get()
    assert file.content in (b"", memoryview(b"")) or bytes(file.content) == b""
    assert file.batch.report().outcomes[0].reason == "too large: 208 bytes (limit 100 bytes)"


def test_the_import_page_lists_recent_imports_with_links_to_their_progress(editor_client):
    batch = _batch(("a.txt", b"A\n\nText."))

    page = editor_client.get(IMPORT_URL).content.decode()

    assert "Recent imports" in page and batch.get_absolute_url() in page


def test_staff_without_permission_to_add_articles_cannot_see_an_import(client, django_user_model):
    batch = _batch(("a.txt", b"A\n\nText."))
    user = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(user)

    assert client.get(batch.get_absolute_url()).status_code == 403


@override_settings(ARCHIVE_IMPORT_FILE_SECONDS=0, ARCHIVE_IMPORT_TRIAL_BYTES=1024)
def test_only_files_of_the_trial_size_or_more_are_tried_first():
    paragraph = b"<p>" + b"Members voted to strike over pay and pensions. " * 20 + b"</p>"
    batch = _batch(("small.txt", b"Pay deal\n\nAccepted."), ("large.html", paragraph * 3))

    import_batch.call(batch.pk)

    small, large = batch.report().outcomes
    assert small.outcome == "imported"  # not tried: a zero-second budget would refuse it
    assert large.outcome == "refused" and "takes too long" in large.reason
