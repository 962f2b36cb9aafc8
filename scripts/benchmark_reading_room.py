"""Benchmark the reading room's pages on a generated archive; prints figures, asserts nothing.

    .venv/bin/python scripts/benchmark_reading_room.py --articles 100000 --repeat 15
    .venv/bin/python scripts/benchmark_reading_room.py --articles 100000 \\
        --database postgres://postgres@127.0.0.1:5432/rr_bench --keep --load 20

It builds an archive of N published articles linked to 50 organisations, 200 people and 40
events over 30 years (bulk inserts of generated text: 300 words from a vocabulary of 21, so a
common word such as "strike" is in nearly every article, and "rare<k>" in one article in a
thousand), then warms the process up as gunicorn.conf.py warms a server up (archive.serving),
requests each page in-process with Django's test client and prints the median and 95th
percentile server time and the number of queries. Without --database the archive is a
throwaway SQLite file; with --keep an archive of the right size already in --database is reused
(and a smaller one whose size divides N is grown to N by copying its articles in the database).
With --load SECONDS it also serves the archive with gunicorn (2 sync workers, production
settings) and prints each search's latency percentiles under 4 concurrent clients.

The search targets (issue 7) are printed beside the search rows. PERFORMANCE.md explains what
makes faceted pages slow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PREFIXES_12 = " OR ".join(f"{letter}*" for letter in "abcdefghijkl")
# (name, URL, target median in ms at 100,000 articles or None)
PAGES = [
    ("home", "/", None),
    ("article list, whole archive", "/articles/", None),
    ("article list, one union", "/articles/?union=org-1", None),
    ("article list, union + year", "/articles/?union=org-1&year=2011", None),
    ("article list, deep page", "/articles/?page=400", None),
    ("search, rare word", "/articles/?q=rare7", 15),
    ("search, common word", "/articles/?q=strike", 150),
    ("search, common word + union + year", "/articles/?q=strike&union=org-2&year=2005", 200),
    ("search, phrase", '/articles/?q="general+strike"', None),
    ("search, q=s*", "/articles/?q=s*", 300),
    ("search, 12 one-letter prefixes", "/articles/?" + "q=" + PREFIXES_12.replace(" ", "+"), 300),
    ("article page", None, None),
    ("organisation page", "/organisations/org-1/", None),
    ("timeline", "/events/", None),
]

WORDS = (
    "union strike pay pensions ballot members government cuts jobs talks council workers "
    "march rally dispute negotiations minister offer action walkout branch secretary"
).split()


def build(n_articles: int, seed: int = 1) -> None:
    """Fill an empty, migrated database with N published articles and their links."""
    from django.db import connection

    from archive.models import Article, Event, Organisation, Person

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
    org_links = Article.organisations.through
    person_links = Article.people.through
    event_links = Article.events.through
    now = dt.datetime.now(dt.UTC)
    batch_size = 2000
    for start in range(0, n_articles, batch_size):
        batch = []
        for i in range(start, min(n_articles, start + batch_size)):
            words = " ".join(rnd.choice(WORDS) for _ in range(300))
            if i % 1000 == 0:
                words += f" rare{i // 1000}"
            date = dt.date(1995 + rnd.randrange(30), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
            # The sanitiser would make exactly this of plain text; calling it 1M times is slow.
            batch.append(
                Article(
                    title=f"Article {i} about {rnd.choice(WORDS)}",
                    slug=f"article-{i}",
                    original=words,
                    original_format="text",
                    original_checksum=f"{i:064x}",
                    body_html=f"<p>{words}</p>",
                    body_text=words,
                    published_date=date,
                    year=date.year,
                    month=date.month,
                    source=f"Source {rnd.randrange(12)}",
                    status="published",
                    created_at=now,
                    updated_at=now,
                )
            )
        articles = Article.objects.bulk_create(batch)
        org_links.objects.bulk_create(
            org_links(article_id=a.pk, organisation_id=o.pk)
            for a in articles
            for o in rnd.sample(orgs, 3)
        )
        person_links.objects.bulk_create(
            person_links(article_id=a.pk, person_id=p.pk)
            for a in articles
            for p in rnd.sample(people, 2)
        )
        event_links.objects.bulk_create(
            event_links(article_id=a.pk, event_id=rnd.choice(events).pk) for a in articles[::5]
        )
        if start and start % 100_000 == 0:
            print(f"  {start} articles", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def replicate(have: int, want: int) -> None:
    """Grow an archive of `have` articles to `want` by copying them in the database (an
    INSERT ... SELECT a copy, links included): minutes for a million, where making each article
    in Python takes an hour. Copies keep their text, dates and links; ids, slugs and checksums
    are new, so "rare<k>" is in ten articles of a million as in one of 100,000."""
    from django.db import connection

    from archive.models import Article

    table = Article._meta.db_table
    columns = [f.column for f in Article._meta.concrete_fields if f.column != "id"]
    for copy in range(1, want // have):
        offset = copy * have
        values = [
            f"slug || '-{copy}'"
            if c == "slug"
            else f"'{copy:08d}' || substr(original_checksum, 9)"
            if c == "original_checksum"
            else c
            for c in columns
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, {', '.join(columns)}) "  # noqa: S608 - our names
                f"SELECT id + {offset}, {', '.join(values)} FROM {table} WHERE id <= {have}"
            )
            for relation in (Article.organisations, Article.people, Article.events):
                field = relation.field
                through = field.m2m_db_table()
                source, target = field.m2m_column_name(), field.m2m_reverse_name()
                cursor.execute(
                    f"INSERT INTO {through} ({source}, {target}) "  # noqa: S608 - our names
                    f"SELECT {source} + {offset}, {target} FROM {through} "
                    f"WHERE {source} <= {have}"
                )
        print(f"  {offset + have} articles", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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


def measure(client, url: str, repeat: int, slow: bool) -> tuple[float, float, int, int, str]:
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
    notes = [str(n) for n in (response.context or {}).get("notes", [])] if response.context else []
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, len(log.queries), response.status_code, " ".join(notes)


def under_load(url_base: str, seconds: float, clients: int = 4) -> dict[str, list[float]]:
    """Every search URL requested in turn by `clients` threads for `seconds`; times in ms."""
    urls = [(name, url) for name, url, target in PAGES if name.startswith("search")]
    times: dict[str, list[float]] = {name: [] for name, _ in urls}
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def work(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            name, url = urls[i % len(urls)]
            i += 1
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url_base + url, timeout=60) as response:  # noqa: S310
                    response.read()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(f"{name}: {error}")
            times[name].append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors[:5]:
        print(f"  error: {error}")
    return times


def serve_and_load(database_url: str, port: int, seconds: float) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # Production settings but for static files (no collectstatic manifest needed).
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "benchmark",
        "DJANGO_ENV_FILE": "",
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "archive.wsgi",
            "--workers=2",
            "--worker-class=sync",
            "--timeout=30",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=5).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        times = under_load(base, seconds)
        print(f"\nUnder load: gunicorn, 2 sync workers, 4 clients, {seconds:.0f} s")
        print(f"{'search':40} {'requests':>8} {'median':>8} {'p99 ms':>8} {'max ms':>8}")
        for name, values in times.items():
            if not values:
                continue
            values.sort()
            p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
            print(
                f"{name:40} {len(values):8d} {statistics.median(values):8.1f} "
                f"{p99:8.1f} {values[-1]:8.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", help="a DATABASE_URL (default: a throwaway SQLite file)")
    parser.add_argument("--keep", action="store_true", help="reuse an archive built before")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--load", type=float, default=0, help="seconds of load with gunicorn")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--only", default="", help="measure only the pages named so")
    parser.add_argument("--slow", action="store_true", help="show each page's slowest queries")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["DATABASE_URL"] = database_url
        os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark")
        os.environ["DJANGO_HTTPS"] = "0"
        os.environ["ARCHIVE_PAGE_CACHE"] = "0"  # the pages' own time, not the page cache's
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        from archive.models import Article

        call_command("migrate", verbosity=0, interactive=False)
        have = Article.objects.count()
        if have and have < args.articles and args.keep and args.articles % have == 0:
            start = time.perf_counter()
            replicate(have, args.articles)
            took = time.perf_counter() - start
            print(f"Copied {have} articles up to {args.articles} in {took:.1f} s")
            have = args.articles
        if have and not (args.keep and have == args.articles):
            sys.exit(f"{database_url} holds {have} articles: use an empty database or --keep.")
        if not have:
            start = time.perf_counter()
            build(args.articles)
            print(f"Built {args.articles} articles in {time.perf_counter() - start:.1f} s")
        if args.build_only:
            return
        setup_test_environment()
        article_url = Article.objects.order_by("id")[args.articles // 2].get_absolute_url()
        # As gunicorn.conf.py warms each server up before it forks its workers.
        from archive.serving import warm_up

        warm_up()
        client = Client()
        print(f"{connection.vendor}, {args.articles} articles, median of {args.repeat} requests")
        print(f"{'page':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'target':>8}")
        for name, url, target in PAGES:
            if args.only not in name:
                continue
            median, p95, n_queries, status, notes = measure(
                client, url or article_url, args.repeat, args.slow
            )
            flag = "" if status == 200 else f"  (HTTP {status})"
            goal = ""
            if target:
                goal = f"≤{target}" + (" ok" if median <= target else " MISSED")
            print(f"{name:40} {median:10.1f} {p95:8.1f} {n_queries:8d} {goal:>8}{flag}")
            if notes and name.startswith("search"):
                print(f"    notes: {notes[:150]}")
        if args.load:
            connection.close()
            serve_and_load(database_url, args.port, args.load)


if __name__ == "__main__":
    main()
