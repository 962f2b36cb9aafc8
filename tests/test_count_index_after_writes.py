"""After a write, readers of a large archive never wait for the count index to be rebuilt: they
are served from the previous index while one rebuild runs in the worker, and a request rebuilds
it only when that rebuild has not come in time. A small archive is rebuilt at once, exactly.

"Large" is lowered to one article here (ARCHIVE_COUNT_INDEX_SYNC_LIMIT)."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend

from archive import counts
from archive.models import CacheGeneration, CountIndex
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

LIST = "/articles/?union=pcs"


@pytest.fixture
def builds(monkeypatch):
    """The generations the index was built for, in order."""
    built: list[str] = []
    real = counts.build

    def counted(token: str):
        built.append(token)
        return real(token)

    monkeypatch.setattr(counts, "build", counted)
    return built


def _old_articles(pcs, count: int) -> None:
    for i in range(count):
        make_article(
            title=f"Old {i}", slug=f"old-{i}", published_date=dt.date(2000 + i, 1, 1),
            organisations=[pcs],
        )  # fmt: skip


@pytest.fixture
def large(settings, pcs):
    """An archive counted as large, indexed, and a worker's queue that runs only when asked."""
    settings.ARCHIVE_COUNT_INDEX_SYNC_LIMIT = 1
    settings.ARCHIVE_COUNT_INDEX_STALE_SECONDS = 30
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()
    _old_articles(pcs, 3)
    counts._latest.clear()
    counts.index()
    yield
    caches["default"].clear()


def _results(response) -> set[str]:
    return {article.slug for article, _ in response.context["results"]}


def _write(pcs, slug: str = "new"):
    return make_article(
        title=slug.title(), slug=slug, published_date=dt.date(2020, 1, 1), organisations=[pcs]
    )


def _queued() -> list:
    return default_task_backend.results


def _run_worker() -> None:
    """Run the queued tasks, as `manage.py db_worker` does."""
    for result in list(_queued()):
        result.task.call(*result.args, **result.kwargs)
    _queued().clear()


def test_a_reader_after_a_write_is_served_the_previous_counts_without_a_rebuild(
    client, large, pcs, builds
):
    _write(pcs)
    response = client.get(LIST)
    assert response.status_code == 200
    assert _results(response) == {"old-0", "old-1", "old-2"}
    assert response.context["page"].paginator.count == 3
    assert builds == []
    assert len(_queued()) == 1


def test_a_page_counted_from_the_previous_index_is_not_served_once_the_new_one_is_built(
    client, large, pcs
):
    _write(pcs)
    assert "new" not in _results(client.get(LIST))
    client.get(LIST)  # asked for again: stored
    assert "X-Page-Cache" in client.get(LIST)  # served again while the rebuild is pending
    _run_worker()
    fresh = client.get(LIST)
    assert "X-Page-Cache" not in fresh
    assert "new" in _results(fresh)


def test_the_workers_rebuild_makes_the_next_request_exact_on_every_server(
    client, large, pcs, builds
):
    _write(pcs)
    client.get(LIST)
    _run_worker()
    assert builds == [counts.generation()]
    assert list(CountIndex.objects.values_list("generation", flat=True)) == builds
    counts._latest.clear()  # another app server: loads what the worker stored
    assert "new" in _results(client.get(LIST))
    assert builds == [counts.generation()]
    assert CacheGeneration.objects.get().rebuild_requested_at is None


def test_a_server_with_no_copy_serves_the_newest_stored_index_while_the_rebuild_is_pending(
    client, large, pcs, builds
):
    _write(pcs)
    counts._latest.clear()
    response = client.get(LIST)
    assert response.status_code == 200 and "new" not in _results(response)
    assert builds == []


def test_a_burst_of_writes_queues_one_rebuild_at_a_time(client, large, pcs, builds):
    for i in range(5):
        _write(pcs, f"new-{i}")
        client.get(LIST)
    assert len(_queued()) == 1
    _run_worker()
    assert builds == [counts.generation()]  # the generation current when it ran
    assert {f"new-{i}" for i in range(5)} <= _results(client.get(LIST))
    assert _queued() == []  # exact: nothing more to rebuild

    _write(pcs, "later")
    client.get(LIST)
    assert len(_queued()) == 1  # the next write asks for the next rebuild


def test_a_request_rebuilds_the_index_itself_when_no_rebuild_came_in_time(
    client, large, pcs, builds
):
    _write(pcs)
    client.get(LIST)  # asks for a rebuild that no worker runs
    assert builds == []
    CacheGeneration.objects.update(
        rebuild_requested_at=CacheGeneration.objects.get().rebuild_requested_at
        - dt.timedelta(seconds=31)
    )
    response = client.get(LIST)
    assert "new" in _results(response)
    assert builds == [counts.generation()]
    assert CacheGeneration.objects.get().rebuild_requested_at is None
    assert len(_queued()) == 1  # the request did not ask again


def test_one_request_counts_with_one_index_even_if_a_newer_one_is_stored_meanwhile(large, pcs):
    _write(pcs)
    with counts.request_scope():
        first = counts.index()
        _run_worker()
        assert counts.index() is first
    assert counts.index() is not first
    assert counts.index().token == counts.generation()


def test_a_small_archive_is_reindexed_by_the_next_request_and_queues_nothing(
    client, settings, pcs, builds
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ARCHIVE_PAGE_CACHE = False
    make_article(title="Old", slug="old", published_date=dt.date(2000, 1, 1), organisations=[pcs])
    client.get(LIST)
    _write(pcs)
    assert "new" in _results(client.get(LIST))
    assert builds[-1] == counts.generation()
    assert _queued() == []


def test_a_request_while_the_rebuild_is_pending_makes_no_more_queries_than_before_the_write(
    client, large, pcs, settings
):
    settings.ARCHIVE_PAGE_CACHE = False
    client.get(LIST)
    with CaptureQueriesContext(connection) as before:
        client.get(LIST)
    _write(pcs)
    client.get(LIST)  # finds no index for the write, asks for the rebuild
    with CaptureQueriesContext(connection) as pending:
        client.get(LIST)
    assert len(pending) == len(before)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker closes connections
def test_the_db_worker_runs_the_rebuild_a_reader_asked_for(client, settings, pcs):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.ARCHIVE_COUNT_INDEX_SYNC_LIMIT = 1
    settings.ARCHIVE_PAGE_CACHE = False
    _old_articles(pcs, 2)
    counts._latest.clear()
    client.get(LIST)
    _write(pcs)
    assert "new" not in _results(client.get(LIST))

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert "new" in _results(client.get(LIST))
    assert CacheGeneration.objects.get().rebuild_requested_at is None


def test_an_article_withdrawn_while_the_rebuild_is_pending_is_gone_from_its_page_at_once(
    client, large, pcs
):
    from archive.models import Article

    assert client.get("/articles/old-0/").status_code == 200
    client.get("/articles/old-0/")  # asked for again: stored
    assert "X-Page-Cache" in client.get("/articles/old-0/")
    article = Article.objects.get(slug="old-0")
    article.status = Article.Status.DRAFT  # withdrawn: counts lag until the rebuild, pages not
    article.save()
    assert client.get("/articles/old-0/").status_code == 410
    assert "old-0" not in _results(client.get(LIST))


def test_the_list_names_its_selection_from_the_index_without_asking_the_database(
    client, large, pcs
):
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST)
    assert [chip.label for chip in response.context["chips"]] == ["PCS"]
    assert not [q for q in context.captured_queries if "archive_organisation" in q["sql"]]


def test_an_organisation_newer_than_the_index_is_found_in_the_database(client, large, pcs):
    from archive.models import Organisation

    Organisation.objects.create(
        name="Wholly New Union", slug="new-union", kind=Organisation.UNION_KINDS[0]
    )  # the index, rebuilt by the worker, does not know it yet
    response = client.get("/articles/?union=new-union&union=pcs")
    assert [chip.label for chip in response.context["chips"]] == ["Wholly New Union", "PCS"]
    assert "ignored" not in response.content.decode()
