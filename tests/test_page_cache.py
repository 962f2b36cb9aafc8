"""Whole pages cached for anonymous readers, keyed by URL and by the generation in the database,
with local memory (the default) and with Redis (REDIS_URL)."""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from archive import counts
from archive.models import Article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/8")


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 - any failure means no server to test against
        return False
    return True


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    if request.param == "redis":
        if not _redis_available():
            if os.environ.get("CI"):
                pytest.fail(f"No Redis server at {REDIS_TEST_URL}")
            pytest.skip(f"No Redis server at {REDIS_TEST_URL}")
        settings.CACHES = {
            "default": {
                "BACKEND": "archive.cache.RedisCache",
                "LOCATION": REDIS_TEST_URL,
                "KEY_PREFIX": "issue8-tests",
            }
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


@pytest.fixture
def articles(pcs):
    return [
        make_article(
            title=f"Strike {i}",
            slug=f"strike-{i}",
            published_date=dt.date(2010 + i, 1, 1),
            organisations=[pcs],
        )
        for i in range(3)
    ]


def test_a_page_asked_for_again_is_stored_then_served_from_the_cache_with_one_query(
    client, cache_backend, articles, django_assert_num_queries
):
    first = client.get("/articles/?union=pcs")
    assert "X-Page-Cache" not in first
    second = client.get("/articles/?union=pcs")  # made again, and now stored
    assert "X-Page-Cache" not in second
    with django_assert_num_queries(1):  # the generation
        again = client.get("/articles/?union=pcs")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_a_page_asked_for_once_is_not_stored(client, cache_backend, articles):
    """The long tail of combinations asked for once would cost a store each and push out the
    pages readers come back to (ARCHIVE_PAGE_CACHE_MIN_REQUESTS, 2)."""
    from archive import page_cache

    for year in (2010, 2011, 2012):
        client.get(f"/articles/?union=pcs&year={year}")
    assert not page_cache._copies.entries
    for year in (2010, 2011, 2012):
        request = client.get(f"/articles/?union=pcs&year={year}").wsgi_request
        assert caches["default"].get(page_cache._key(request)) is not None  # now stored


def test_pages_can_be_stored_on_their_first_request(client, cache_backend, articles, settings):
    settings.ARCHIVE_PAGE_CACHE_MIN_REQUESTS = 1
    client.get("/articles/?union=pcs")
    assert client.get("/articles/?union=pcs")["X-Page-Cache"] == "hit"


def test_a_write_starts_the_count_of_requests_again(client, cache_backend, articles):
    client.get("/")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    articles[0].title = "Renamed strike"
    articles[0].save()
    assert "X-Page-Cache" not in client.get("/")  # a new generation: asked for once
    assert "X-Page-Cache" not in client.get("/")  # twice: stored
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_a_process_remembers_the_pages_asked_for_last(client, cache_backend, articles, settings):
    settings.ARCHIVE_PAGE_CACHE_ASKED = 2
    for url in ("/articles/?year=2010", "/articles/?year=2011", "/articles/?year=2012"):
        client.get(url)  # the first of them is forgotten
    assert "X-Page-Cache" not in client.get("/articles/?year=2010")  # asked for once again
    assert "X-Page-Cache" not in client.get("/articles/?year=2010")  # twice: stored only now
    assert client.get("/articles/?year=2010")["X-Page-Cache"] == "hit"


def test_the_same_parameters_in_another_order_share_one_entry(client, cache_backend, articles):
    client.get("/articles/?union=pcs&year=2011")
    client.get("/articles/?year=2011&union=pcs")  # the same page asked for again: stored
    assert client.get("/articles/?year=2011&union=pcs&q=")["X-Page-Cache"] == "hit"


def test_any_write_renews_every_cached_page(client, cache_backend, articles):
    assert "Strike 0" in client.get("/").content.decode()
    client.get("/")
    articles[0].title = "Renamed strike"
    articles[0].save()
    page = client.get("/")
    assert "X-Page-Cache" not in page
    assert "Renamed strike" in page.content.decode()


def test_a_write_on_another_app_server_renews_this_servers_pages(client, cache_backend, articles):
    # Another server's write reaches this one only through the generation in the database.
    client.get("/articles/")
    Article.objects.filter(pk=articles[0].pk).update(status=Article.Status.DRAFT)
    counts.CacheGeneration.objects.filter(pk=1).update(token="from-another-server")
    page = client.get("/articles/")
    assert "X-Page-Cache" not in page
    assert "Strike 0" not in page.content.decode()


def test_editors_are_never_served_cached_pages(editor_client, client, cache_backend, articles):
    client.get("/articles/")
    response = editor_client.get("/articles/")
    assert "X-Page-Cache" not in response


def test_a_page_with_a_note_is_cached_under_its_own_url_and_errors_are_not(
    client, cache_backend, articles
):
    client.get("/articles/")
    noted = client.get("/articles/?page=abc")
    assert "X-Page-Cache" not in noted
    client.get("/articles/?page=abc")
    again = client.get("/articles/?page=abc")
    assert again["X-Page-Cache"] == "hit"
    assert "is not a page number" in again.content.decode()
    client.get("/articles/no-such-article/")
    missing = client.get("/articles/no-such-article/")
    assert missing.status_code == 404
    assert "X-Page-Cache" not in missing


def test_the_page_cache_can_be_switched_off(client, cache_backend, articles, settings):
    settings.ARCHIVE_PAGE_CACHE = False
    client.get("/articles/")
    assert "X-Page-Cache" not in client.get("/articles/")


@override_settings(ARCHIVE_PAGE_CACHE=True)
def test_every_public_page_is_cached(client, cache_backend, articles, pcs):
    for url in [
        "/",
        "/articles/",
        articles[0].get_absolute_url(),
        "/organisations/",
        "/organisations/pcs/",
        "/people/",
        "/events/",
    ]:
        client.get(url)
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


@pytest.mark.django_db
def test_a_page_kept_in_the_process_is_not_served_after_the_cache_time(client, monkeypatch):
    from django.core.cache import cache

    from archive import page_cache

    now = [1000.0]
    monkeypatch.setattr(page_cache, "_now", lambda: now[0])
    client.get("/articles/")
    client.get("/articles/")
    assert client.get("/articles/")["X-Page-Cache"] == "hit"
    cache.clear()  # the shared entry is gone: only the process's copy could answer
    assert client.get("/articles/")["X-Page-Cache"] == "hit"
    cache.clear()
    now[0] += settings.ARCHIVE_PAGE_CACHE_SECONDS
    assert "X-Page-Cache" not in client.get("/articles/")


@pytest.mark.django_db
def test_a_process_keeps_copies_of_the_pages_used_last(client, settings):
    from django.core.cache import cache

    from archive import page_cache

    settings.ARCHIVE_PAGE_COPIES = 2
    for url in ("/articles/?year=2010", "/articles/?year=2011"):
        client.get(url)
        client.get(url)  # stored, and kept in the process
    assert client.get("/articles/?year=2010")["X-Page-Cache"] == "hit"  # used last now
    client.get("/articles/?year=2012")
    client.get("/articles/?year=2012")  # a third copy: the one used longest ago goes
    cache.clear()  # only the process's copies can answer
    assert client.get("/articles/?year=2010")["X-Page-Cache"] == "hit"
    assert client.get("/articles/?year=2012")["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get("/articles/?year=2011")
    assert len(page_cache._copies.entries) == 2
