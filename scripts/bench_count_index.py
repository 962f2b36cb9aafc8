"""Time the first reader request after a write, on an archive built by benchmark_reading_room.py.

    DATABASE_URL=sqlite:////path/idx-100000.sqlite3 .venv/bin/python scripts/bench_count_index.py

Runs in one process with Django's test client (the page cache off, so every request renders):
for each of a few writes (an article's title edited and saved, as the admin does), the first
request to /articles/?union=... after it, the next one, and the same first request on a server
that has no copy of the index in memory yet; then a burst of writes as an import makes them, with
a request between each, counting the index rebuilds. Tasks go to the database backend, as in
production, and are run here as `manage.py db_worker` would run them, where the run says so.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "x")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("ARCHIVE_PAGE_CACHE", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from archive import counts  # noqa: E402
from archive.models import Article, Organisation  # noqa: E402

WRITES = 5
BURST = 50
override_settings(
    ALLOWED_HOSTS=["*"],
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
).enable()


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000


def _write(article: Article, i: int) -> None:
    article.title = f"{article.title.split(' #')[0]} #{i}"
    article.save()


def _run_tasks() -> int:
    """Run the queued tasks as a worker would; return how many ran."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return 0
    ran = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        task = result.task
        result.claim("bench")
        task.call()
        result.set_successful(None)
        ran += 1
    return ran


def _rebuilds() -> int:
    return _rebuilds.count


_rebuilds.count = 0
_build = counts.build


def _counting_build(token: str):
    _rebuilds.count += 1
    return _build(token)


counts.build = _counting_build


def main() -> None:
    client = Client()
    union = Organisation.objects.filter(kind="trade_union").order_by("pk").first()
    url = f"/articles/?union={union.slug}"
    article = Article.objects.published().order_by("pk").first()
    n = Article.objects.published().count()
    print(f"{n} published articles, {settings.DATABASES['default']['ENGINE']}")
    _run_tasks()
    _timed(client, url)  # this process's index for the current generation
    first, second, fresh, after_task = [], [], [], []
    for i in range(WRITES):
        _write(article, i)
        first.append(_timed(client, url))
        second.append(_timed(client, url))
        counts._latest.clear()  # another app server, no copy in memory
        fresh.append(_timed(client, url))
        _run_tasks()
        after_task.append(_timed(client, url))
    med = statistics.median
    print(f"first request after a write:        median {med(first):7.1f} ms  max {max(first):7.1f}")
    print(f"the request after it:               median {med(second):7.1f} ms")
    print(f"first on a server with no copy:     median {med(fresh):7.1f} ms  max {max(fresh):7.1f}")
    print(f"first after the worker's task ran:  median {med(after_task):7.1f} ms")

    _rebuilds.count = 0
    times = []
    started = time.perf_counter()
    for i in range(BURST):
        _write(article, 100 + i)
        times.append(_timed(client, url))
    burst_s = time.perf_counter() - started
    in_requests = _rebuilds()
    ran = _run_tasks()
    print(
        f"burst of {BURST} writes, a request after each: requests median {med(times):.1f} ms, "
        f"max {max(times):.1f} ms, {burst_s:.1f} s in all; rebuilds in requests {in_requests}, "
        f"tasks queued {ran}"
    )
    exact = counts.index().token == counts.generation()
    print(f"after the worker ran: index of the current generation: {exact}")


if __name__ == "__main__":
    main()
