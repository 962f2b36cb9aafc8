"""Benchmark the article importer on generated files; prints files per second, asserts nothing.

    .venv/bin/python scripts/benchmark_import.py --files 1000
    .venv/bin/python scripts/benchmark_import.py --files 1000 --full-pages 0.2 --entities 500

It writes N files to a temporary folder (plain-text articles and HTML fragments in equal
numbers, plus the share of full saved web pages given by --full-pages, which trafilatura cuts
down), builds a throwaway SQLite archive holding --entities organisations and people for the
importer to recognise, then imports the folder with the real service (archive.importing), one
transaction per file, as `manage.py import_articles` does: with as many reader processes as
the command starts on this machine (one a core, up to four; --readers to choose). It prints
the time taken and files per second for the import alone, by the clock and per CPU-second of
every process (the clock's figure drops when other processes share the cores; the CPU figure
drops with readers, which hand their work over); the aim is at least 200 files per second by
the clock.

Each file is committed on its own; archive/settings.py runs SQLite in WAL mode with
synchronous=NORMAL, without which every commit waits for several disk syncs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = (
    "union strike pay pensions ballot members government cuts jobs talks council workers "
    "march rally dispute negotiations minister offer action walkout branch secretary the of "
    "and to in said would over their with for"
).split()


def sentence(rnd: random.Random, names: list[str]) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(12, 25))]
    words.insert(rnd.randrange(len(words)), rnd.choice(names))
    return " ".join(words).capitalize() + "."


def paragraphs(rnd: random.Random, names: list[str], count: int) -> list[str]:
    return [" ".join(sentence(rnd, names) for _ in range(3)) for _ in range(count)]


def plain_text(rnd: random.Random, names: list[str], number: int) -> str:
    body = "\n\n".join(paragraphs(rnd, names, 8))
    return f"Strike news number {number}\n\n{rnd.randint(1, 28)} March 2011\n\n{body}\n"


def fragment(rnd: random.Random, names: list[str], number: int) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs(rnd, names, 8))
    return f'<h1>Union report {number}</h1>\n<time datetime="2012-05-{rnd.randint(10, 28)}">'  \
        f"</time>\n{body}\n"  # fmt: skip


def full_page(rnd: random.Random, names: list[str], number: int) -> str:
    menu = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(15))
    comments = "".join(
        f'<div class="comment"><p>{sentence(rnd, names)}</p></div>' for _ in range(5)
    )
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs(rnd, names, 8))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Story {number} | Paper</title>'
        f'<meta property="og:title" content="Story {number}">'
        '<meta property="og:site_name" content="The Paper">'
        f'<link rel="canonical" href="https://example.org/story/{number}">'
        "<script>var tracking = true;</script></head><body>"
        f"<header><nav><ul>{menu}</ul></nav></header>"
        '<div class="advert">Buy now</div>'
        f"<article><h1>Story {number}</h1>{body}</article>"
        f'<aside class="related">{sentence(rnd, names)}</aside>'
        f'<section id="comments">{comments}</section>'
        "<footer>Copyright The Paper</footer></body></html>"
    )


def write_files(folder: Path, count: int, full_share: float, names: list[str]) -> None:
    rnd = random.Random(1)  # noqa: S311 - repeatable test data, not security
    for number in range(count):
        if rnd.random() < full_share:
            folder.joinpath(f"{number:05d}.html").write_text(full_page(rnd, names, number))
        elif number % 2:
            folder.joinpath(f"{number:05d}.html").write_text(fragment(rnd, names, number))
        else:
            folder.joinpath(f"{number:05d}.txt").write_text(plain_text(rnd, names, number))


def build_archive(entities: int) -> list[str]:
    """Organisations and people for the importer to recognise; their names, to use in text."""
    from django.core.management import call_command

    from archive.models import Organisation, Person

    call_command("migrate", verbosity=0, interactive=False)
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Amalgamated Union of Trade {i}",
            slug=f"org-{i}",
            abbreviation=f"AUT{i}",
            aliases=f"Trade Union {i}",
        )
        for i in range(entities // 2)
    )
    Person.objects.bulk_create(
        Person(name=f"Person Number{i}", slug=f"person-{i}", aliases=f"Mr Number{i}")
        for i in range(entities - entities // 2)
    )
    return [f"AUT{i}" for i in range(0, entities // 2, 7)] + ["Mr Number3", "Trade Union 5"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=1000, help="how many files (1000)")
    parser.add_argument(
        "--full-pages", type=float, default=0.1, help="share of full web pages (0.1)"
    )
    parser.add_argument(
        "--entities", type=int, default=300, help="organisations and people in the archive (300)"
    )
    parser.add_argument(
        "--admin",
        action="store_true",
        help="import as the admin's background task does: stored files, each first read "
        "within its time and memory budget in a forked process",
    )
    parser.add_argument(
        "--readers",
        type=int,
        default=None,
        help="reader processes (by default as many as `manage.py import_articles` starts on "
        "this machine: one a core, up to four)",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/benchmark.sqlite3"
        os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-import")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
        # A checkout's .env turns DEBUG on, and with it the logging of every SQL query.
        os.environ["DJANGO_DEBUG"] = "0"
        import django

        django.setup()
        from archive.importing.reading import default_readers
        from archive.importing.service import import_files

        readers = default_readers() if args.readers is None else args.readers

        names = build_archive(args.entities)
        folder = Path(tmp) / "files"
        folder.mkdir()
        write_files(folder, args.files, args.full_pages, names)

        batch = _store_batch(folder) if args.admin else None
        started, cpu_started = time.perf_counter(), _cpu()
        if batch is None:
            report = import_files([folder], readers=readers)
        else:
            from archive.tasks import import_batch

            import_batch.call(batch.pk)
            batch.refresh_from_db()
            report = batch.report()
        elapsed = time.perf_counter() - started
        cpu = _cpu() - cpu_started

    print(report.summary)
    print(
        f"{args.files} files ({args.full_pages:.0%} full pages, {args.entities} entities, "
        f"{readers} reader{'s' if readers > 1 else ''}) in {elapsed:.2f} s: "
        f"{args.files / elapsed:.0f} files per second"
    )
    print(
        f"CPU time {cpu:.2f} s: {args.files / cpu:.0f} files per CPU-second "
        "(the import's CPU in all its processes, whatever else the machine is doing; excludes "
        "waiting for the disk)"
    )


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the budgeted reads)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _store_batch(folder: Path):
    """The files stored as an upload to the admin's import page stores them."""
    from archive.import_batches import ImportBatch, ImportFile

    files = sorted(folder.iterdir())
    batch = ImportBatch.objects.create(created_by="benchmark", total=len(files))
    ImportFile.objects.bulk_create(
        ImportFile(
            batch=batch, position=n, name=f.name, size=f.stat().st_size, content=f.read_bytes()
        )
        for n, f in enumerate(files)
    )
    return batch


if __name__ == "__main__":
    main()
