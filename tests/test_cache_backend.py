"""The Redis cache the app servers share: Django's, keeping one client per connection pool."""

import os
import runpy

import pytest
from django.core.cache import caches

from tests.conftest import REPO

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/8")


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis server at {REDIS_TEST_URL}")
        pytest.skip(f"No Redis server at {REDIS_TEST_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "archive.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "cache-backend-tests",
        }
    }
    from archive import announcements

    cache = caches["default"]
    cache.clear()
    announcements._listeners.clear()  # each test's database starts from its own generation
    yield cache
    cache.clear()
    announcements._listeners.clear()


def test_the_redis_cache_reuses_one_client_instead_of_making_one_per_call(redis_cache):
    redis_cache.set("page", (("Content-Type", "text/html"), b"<p>x</p>"), 60)
    client = redis_cache._cache.get_client()
    assert redis_cache.get("page") == (("Content-Type", "text/html"), b"<p>x</p>")
    assert redis_cache.get_many(["page", "missing"]) == {"page": redis_cache.get("page")}
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool


def test_the_settings_use_it_when_a_redis_server_is_named(monkeypatch):
    monkeypatch.setenv("REDIS_URL", REDIS_TEST_URL)
    monkeypatch.delenv("DJANGO_ENV_FILE", raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 50)
    config = runpy.run_path(str(REPO / "archive" / "settings.py"))
    assert config["CACHES"]["default"]["BACKEND"] == "archive.cache.RedisCache"
    # Searches' matches in the same Redis, under their own prefix, apart from the pages.
    search = config["CACHES"]["search"]
    assert search["BACKEND"] == "archive.cache.RedisCache"
    assert search["KEY_PREFIX"] != config["CACHES"]["default"]["KEY_PREFIX"]


@pytest.fixture
def served_page(redis_cache, pcs):
    from tests.conftest import make_article

    make_article(title="Strike at the docks", slug="docks", organisations=[pcs])
    return "/articles/?union=pcs"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # writes commit
def test_a_page_from_the_shared_cache_asks_the_database_nothing(client, served_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(served_page)
    client.get(served_page)  # asked for again: stored
    with CaptureQueriesContext(connection) as context:
        response = client.get(served_page)
    assert response["X-Page-Cache"] == "hit"
    assert context.captured_queries == []  # the generation came from Redis too


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # writes commit
def test_a_write_reaches_every_server_through_the_shared_copy_of_the_generation(
    client, served_page, pcs
):
    from archive import counts
    from tests.conftest import make_article

    client.get(served_page)
    before = caches["default"].get(counts.GENERATION_KEY)
    assert before == counts._stored_generation()
    make_article(title="Second strike", slug="second", organisations=[pcs])  # commits
    after = caches["default"].get(counts.GENERATION_KEY)
    assert after != before
    assert after == counts._stored_generation()
    response = client.get(served_page)
    assert "X-Page-Cache" not in response
    assert "Second strike" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # writes commit
def test_a_write_not_yet_committed_leaves_the_shared_copy_alone(served_page, pcs):
    from django.db import transaction

    from archive import counts

    published = counts.generation()
    with transaction.atomic():
        pcs.name = "PCS union"
        pcs.save()
        inside = counts.generation()  # this transaction's own, newer token, from the database
        assert inside != published
        assert caches["default"].get(counts.GENERATION_KEY) == published
    assert caches["default"].get(counts.GENERATION_KEY) == inside


def _heard(cache, expected=None, seconds=3.0):
    """What this process's listener has heard, once it has heard `expected` (or anything)."""
    import time

    from archive import announcements, counts

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        token = announcements.heard(cache, counts.GENERATION_KEY)
        if token is not None and (expected is None or token == expected):
            return token
        time.sleep(0.01)
    return announcements.heard(cache, counts.GENERATION_KEY)


def _announce_from_another_server(cache, token: str) -> None:
    """What another app server's write does after it commits: store, then publish."""
    from archive import counts

    key = cache.make_and_validate_key(counts.GENERATION_KEY)
    client = cache._cache.get_client(write=True)
    cache.set(counts.GENERATION_KEY, token, None)
    client.publish(key + ":announced", token)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_generation_announced_by_another_server_is_heard_without_asking(redis_cache):
    from archive import counts

    # Redis was emptied: the first reader copies the database's token there, and says so.
    assert counts.generation() == counts._stored_generation()
    assert _heard(redis_cache) == counts._stored_generation()
    _announce_from_another_server(redis_cache, "from-elsewhere")
    assert _heard(redis_cache, "from-elsewhere") == "from-elsewhere"
    assert counts.generation() == "from-elsewhere"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_is_asked_when_the_listener_cannot_vouch_for_what_it_heard(redis_cache):
    from archive import announcements, counts

    _heard(redis_cache)
    redis_cache.set(counts.GENERATION_KEY, "stored-but-not-announced", None)
    for listener in announcements._listeners.values():
        listener.alive_at = 0.0  # no sign of life for longer than TRUST_SECONDS
    assert announcements.heard(redis_cache, counts.GENERATION_KEY) is None
    assert counts.generation() == "stored-but-not-announced"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cached_page_comes_from_the_process_until_another_server_writes(
    client, served_page, pcs, monkeypatch
):
    from archive.models import CacheGeneration

    cache = caches["default"]
    _heard(cache)
    client.get(served_page)
    client.get(served_page)  # asked for again: stored, in Redis and in this process

    def no_round_trip(*args, **kwargs):
        raise AssertionError("asked Redis")

    with monkeypatch.context() as patched:
        patched.setattr(type(cache), "get", no_round_trip)
        patched.setattr(type(cache), "get_many", no_round_trip)
        assert client.get(served_page)["X-Page-Cache"] == "hit"

    pcs.articles.update(title="Renamed elsewhere")  # another server's write, then its news
    CacheGeneration.objects.filter(pk=1).update(token="written-elsewhere")
    _announce_from_another_server(cache, "written-elsewhere")
    assert _heard(cache, "written-elsewhere") == "written-elsewhere"
    response = client.get(served_page)
    assert "X-Page-Cache" not in response
    assert "Renamed elsewhere" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_announcement_lost_on_the_way_is_taken_from_the_stored_copy(redis_cache, monkeypatch):
    from archive import announcements, counts

    monkeypatch.setattr(announcements, "PING_SECONDS", 0.05)
    assert counts.generation() == _heard(redis_cache)
    redis_cache.set(counts.GENERATION_KEY, "stored-never-told", None)  # a writer died here
    assert _heard(redis_cache, "stored-never-told") == "stored-never-told"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_writing_process_reads_redis_until_its_own_announcement_is_back(redis_cache):
    from archive import announcements, counts

    assert counts.generation() == _heard(redis_cache)
    listener = next(iter(announcements._listeners.values()))
    listener.expect("not-yet-back")  # announced, not heard back
    assert announcements.heard(redis_cache, counts.GENERATION_KEY) is None
    announcements.announce(redis_cache, counts.GENERATION_KEY, "back-now")
    assert _heard(redis_cache, "back-now") == "back-now"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_new_to_a_process_is_made_without_asking_redis_then_taken_from_it(
    client, served_page, monkeypatch
):
    """A page asked for once (the long tail) costs no round trip; a page another server stored
    is served from Redis from this process's second request for it on."""
    from archive import page_cache

    cache = caches["default"]
    _heard(cache)  # the generation, known without asking
    client.get(served_page)
    client.get(served_page)  # stored in Redis
    page_cache._copies.clear()
    page_cache._asked.clear()  # as another process, which has made neither

    def no_round_trip(*args, **kwargs):
        raise AssertionError("asked Redis")

    with monkeypatch.context() as patched:
        patched.setattr(type(cache), "get", no_round_trip)
        patched.setattr(type(cache), "get_many", no_round_trip)
        first = client.get(served_page)
    assert first.status_code == 200
    assert "X-Page-Cache" not in first
    assert client.get(served_page)["X-Page-Cache"] == "hit"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_storing_at_once_also_looks_a_page_new_to_the_process_up_at_once(
    client, served_page, settings
):
    """ARCHIVE_PAGE_CACHE_MIN_REQUESTS=1: as before it, the first request in any process is
    served from what another server stored."""
    from archive import page_cache

    settings.ARCHIVE_PAGE_CACHE_MIN_REQUESTS = 1
    _heard(caches["default"])
    client.get(served_page)  # stored
    page_cache._copies.clear()
    page_cache._asked.clear()  # as another process
    assert client.get(served_page)["X-Page-Cache"] == "hit"
