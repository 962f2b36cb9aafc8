"""Benchmark the reading room's pages on a generated archive; prints figures, asserts nothing.

    .venv/bin/python scripts/benchmark_reading_room.py --articles 20000 --repeat 20

It builds a throwaway SQLite archive of N published articles linked to 50 organisations,
200 people and 40 events over 30 years (bulk inserts, so the FTS index is rebuilt once), then
requests each page in-process with Django's test client and prints the median and 95th
percentile time and the number of queries. Compare the filtered list with the article page:
PERFORMANCE.md explains what makes faceted pages slow.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    ("home", "/"),
    ("article list, whole archive", "/articles/"),
    ("article list, one union", "/articles/?union=org-1"),
    ("article list, union + year", "/articles/?union=org-1&year=2011"),
    ("article list, deep page", "/articles/?page=400"),
    ("search, few matches", "/articles/?q=rare0"),
    ("search, many matches", "/articles/?q=strike"),
    ("search + facets", "/articles/?q=strike&union=org-2&year=2005"),
    ("article page", None),
    ("organisation page", "/organisations/org-1/"),
    ("timeline", "/events/"),
]

WORDS = (
    "union strike pay pensions ballot members government cuts jobs talks council workers "
    "march rally dispute negotiations minister offer action walkout branch secretary"
).split()


def build(n_articles: int, seed: int = 1) -> str:
    from django.core.management import call_command
    from django.db import connection

    from archive.models import Article, Event, Organisation, Person

    call_command("migrate", verbosity=0, interactive=False)
    rnd = random.Random(seed)  # noqa: S311 - repeatable test data, not security
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {i}",
            slug=f"org-{i}",
            abbreviation=f"O{i}",
            kind="trade_union" if i < 30 else "government",
        )
        for i in range(50)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Person {i}", slug=f"person-{i}") for i in range(200)
    )
    events = [
        Event.objects.create(
            name=f"Event {i}", slug=f"event-{i}", start_date=f"{1995 + i % 30}-05-01"
        )
        for i in range(40)
    ]
    import datetime as dt

    from archive import sanitize

    batch = []
    for i in range(n_articles):
        words = " ".join(rnd.choice(WORDS) for _ in range(300))
        if i % 1000 == 0:
            words += f" rare{i // 1000}"
        body = sanitize.sanitize(words, "text").body_html
        date = dt.date(1995 + rnd.randrange(30), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
        batch.append(
            Article(
                title=f"Article {i} about {rnd.choice(WORDS)}",
                slug=f"article-{i}",
                original=words,
                original_format="text",
                original_checksum=f"{i:064x}",
                body_html=body,
                body_text=sanitize.html_to_text(body),
                published_date=date,
                year=date.year,
                month=date.month,
                source=f"Source {rnd.randrange(12)}",
                status="published",
            )
        )
    articles = Article.objects.bulk_create(batch, batch_size=2000)
    through = Article.organisations.through
    through.objects.bulk_create(
        (
            through(article_id=a.pk, organisation_id=o.pk)
            for a in articles
            for o in rnd.sample(orgs, 3)
        ),
        batch_size=5000,
    )
    Article.people.through.objects.bulk_create(
        (
            Article.people.through(article_id=a.pk, person_id=p.pk)
            for a in articles
            for p in rnd.sample(people, 2)
        ),
        batch_size=5000,
    )
    Article.events.through.objects.bulk_create(
        (
            Article.events.through(article_id=a.pk, event_id=rnd.choice(events).pk)
            for a in articles[::5]
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return articles[len(articles) // 2].get_absolute_url()


class QueryLog:
    """Counts (and, with --slow, times) the queries of one request."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - start) * 1000, sql))


def measure(client, url: str, repeat: int, slow: bool) -> tuple[float, float, int, int]:
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    client.get(url)  # the first request after the build makes the count index
    log = QueryLog()
    with connection.execute_wrapper(log):
        response = client.get(url)
    if slow:
        for ms, sql in sorted(log.queries, reverse=True)[:3]:
            print(f"    {ms:8.1f} ms  {sql[:160]}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, len(log.queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--slow", action="store_true", help="show each page's slowest queries")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark")
        os.environ["DJANGO_HTTPS"] = "0"
        os.environ["ARCHIVE_PAGE_CACHE"] = "0"  # the pages' own time, not the page cache's
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        import django

        django.setup()
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        start = time.perf_counter()
        article_url = build(args.articles)
        print(f"Built {args.articles} articles in {time.perf_counter() - start:.1f} s")
        client = Client()
        print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for name, url in PAGES:
            median, p95, n_queries, status = measure(
                client, url or article_url, args.repeat, args.slow
            )
            flag = "" if status == 200 else f"  (HTTP {status})"
            print(f"{name:34} {median:10.1f} {p95:8.1f} {n_queries:8d}{flag}")


if __name__ == "__main__":
    main()
