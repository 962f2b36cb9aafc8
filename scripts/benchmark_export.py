"""Benchmark the streamed downloads on generated archives; prints figures, asserts nothing.

    .venv/bin/python scripts/benchmark_export.py --articles 5000 20000

For each size it builds a throwaway SQLite archive (as benchmark_reading_room.py does), then
streams whole-archive downloads through Django's test client and prints the time, rows per
second, the number of queries and the peak Python memory while streaming (tracemalloc). The
peak should stay flat as the archive grows: rows are read in chunks of results.CHUNK_SIZE.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DOWNLOADS = [
    ("CSV, whole archive", "/articles/export.csv"),
    ("JSON Lines + text, whole archive", "/articles/export.jsonl?text=1"),
    ("RIS, one union", "/articles/export.ris?union=org-1"),
    ("CSV, search by relevance", "/articles/export.csv?q=strike"),
]


def _stream(client, url: str) -> int:
    response = client.get(url)
    return sum(chunk.count(b"\n") for chunk in response.streaming_content)


def measure(client, url: str) -> tuple[float, int, int, float]:
    """Seconds, lines and queries of one download; then its peak memory, in a second run
    (tracemalloc slows Python down, so the time is taken without it)."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):
        rows = _stream(client, url)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    _stream(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, rows, len(queries), peak / 1024 / 1024


def run(n_articles: int) -> None:
    import django
    from django.db import connection

    with tempfile.TemporaryDirectory() as tmp:
        connection.close()
        connection.settings_dict["NAME"] = f"{tmp}/bench.sqlite3"
        from benchmark_reading_room import build
        from django.test import Client

        start = time.perf_counter()
        build(n_articles)
        print(f"\n{n_articles} articles built in {time.perf_counter() - start:.1f} s")
        header = ("seconds", "lines", "lines/s", "queries", "peak MB")
        print(f"{'download':34}" + "".join(f"{h:>9}" for h in header))
        client = Client()
        for name, url in DOWNLOADS:
            elapsed, rows, n_queries, peak = measure(client, url)
            print(f"{name:34}{elapsed:9.2f}{rows:9d}{rows / elapsed:9.0f}{n_queries:9d}{peak:9.1f}")
        connection.close()
    del django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[5000, 20000])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    os.environ["DATABASE_URL"] = "sqlite:///" + tempfile.gettempdir() + "/unused.sqlite3"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark")
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    for n in args.articles:
        run(n)


if __name__ == "__main__":
    main()
