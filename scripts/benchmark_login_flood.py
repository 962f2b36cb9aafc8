"""Measure what a flood of failed sign-ins does to readers, with and without login throttling.

Starts gunicorn with the project's config (DEBUG off, the real password hasher) on a fresh
SQLite archive holding the demo corpus, then times an article page for readers: alone, and while
FLOODERS clients post wrong passwords to /admin/login/ as fast as they can, first with
django-axes on (the default), then with it off (ARCHIVE_LOGIN_THROTTLING=0). Bounded: each
phase lasts --seconds. Prints one table; quote the ratios, not the absolute times.

    .venv/bin/python scripts/benchmark_login_flood.py --port 8900
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def _manage(env: dict, *args: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _get(conn: http.client.HTTPConnection, path: str, headers=None) -> tuple[int, bytes, dict]:
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read(), dict(response.getheaders())


def _reader_times(port: int, path: str, seconds: float) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        status, _, _ = _get(conn, path)
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    conn.close()
    return times


def _read(port: int, stop: threading.Event, counts: dict, path: str) -> None:
    """A client reading pages as fast as it can: what any flood of requests costs readers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        status, _, _ = _get(conn, path)
        counts[status] = counts.get(status, 0) + 1
    conn.close()


def _flood(port: int, stop: threading.Event, counts: dict, number: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, body, headers = _get(conn, "/admin/login/")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    while not stop.is_set():
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": f"editor{number % 2}", "password": "guess"}
        )
        conn.request(
            "POST",
            "/admin/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://127.0.0.1:{port}/admin/login/",
            },
        )
        response = conn.getresponse()
        response.read()
        counts[response.status] = counts.get(response.status, 0) + 1
    conn.close()


def _phase(
    port: int, path: str, seconds: float, flooders: int, reading: bool
) -> tuple[list[float], dict]:
    stop = threading.Event()
    counts: dict[int, int] = {}
    threads = [
        threading.Thread(target=_read, args=(port, stop, counts, path))
        if reading
        else threading.Thread(target=_flood, args=(port, stop, counts, n))
        for n in range(flooders)
    ]
    for thread in threads:
        thread.start()
    time.sleep(3.0 if flooders else 0)  # the flood has reached its steady state
    try:
        times = _reader_times(port, path, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return times, counts


def _serve(env: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            _get(conn, "/")
            conn.close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--flooders", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
        env.update(
            DATABASE_URL=f"sqlite:///{tmp}/flood.sqlite3",
            DJANGO_SECRET_KEY="benchmark-login-flood-" + "x" * 30,
            DJANGO_HTTPS="0",
            DJANGO_LOG_LEVEL="ERROR",
            GUNICORN_ACCESS_LOG="/dev/null",
        )
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "loaddata", "fixtures/demo.json", "-v0")
        _manage(env, "collectstatic", "--noinput", "-v0")
        sys.path.insert(0, str(ROOT))
        article = json_first_article_slug()
        path = f"/articles/{article}/"
        rows = []
        n = args.flooders
        for label, throttling, flooders, reading in [
            ("readers alone", "1", 0, False),
            (f"{n} clients guessing, throttled", "1", n, False),
            (f"{n} clients reading (any flood)", "1", n, True),
            ("readers alone (throttling off)", "0", 0, False),
            (f"{n} clients guessing, not throttled", "0", n, False),
        ]:
            server = _serve(
                {**env, "ARCHIVE_LOGIN_THROTTLING": throttling}, args.port, args.workers
            )
            try:
                _reader_times(args.port, path, 1.0)  # warm up
                times, counts = _phase(args.port, path, args.seconds, flooders, reading)
            finally:
                server.terminate()
                server.wait()
            rows.append((label, times, counts))
        base = statistics.median(rows[0][1])
        print(f"Article page {path}, {args.workers} gunicorn workers, {args.seconds:g} s a phase")
        print(f"{'phase':36} {'median ms':>10} {'p95 ms':>8} {'x alone':>8}  flood answers")
        for label, times, counts in rows:
            times.sort()
            median = statistics.median(times)
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            answers = ", ".join(f"{n}× {status}" for status, n in sorted(counts.items())) or "-"
            print(f"{label:36} {median:10.1f} {p95:8.1f} {median / base:8.1f}  {answers}")


def json_first_article_slug() -> str:
    import json

    fixtures = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))
    return next(
        item["fields"]["slug"]
        for item in fixtures
        if item["model"] == "archive.article" and item["fields"].get("status") == "published"
    )


if __name__ == "__main__":
    main()
