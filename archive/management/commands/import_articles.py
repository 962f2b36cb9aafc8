"""Import articles from files and folders; all the work is done by archive.importing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from archive.importing.outcomes import FileOutcome, Outcome
from archive.importing.reading import default_readers
from archive.importing.service import NEAR_DUPLICATE_CHOICES, import_files
from archive.importing.sources import PathSource, collect_sources


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


class Command(BaseCommand):
    help = (
        "Import articles from files (HTML pages and fragments, e-mails saved as HTML, plain "
        "text, in any common encoding) and from folders, searched recursively. Each file is "
        "imported in one transaction with its links to the organisations, people and events "
        "it names; duplicates (same bytes or same canonical URL) and bad files are reported "
        "and skipped. Exits with status 1 when any file was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="A file or a folder to import; folders are searched recursively, "
            "skipping hidden files and folders.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported articles at once (by default they are drafts).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be imported, linked and refused; write nothing.",
        )
        parser.add_argument(
            "--report",
            type=Path,
            metavar="FILE",
            help="Write one JSON object per file to FILE (JSON Lines): path, outcome, reason, "
            "encoding, article id and slug, title, date and precision (and, for a date "
            "inferred from the text, the words it was inferred from), byline, source, URL "
            "and the organisations, people and events linked.",
        )
        parser.add_argument(
            "--max-bytes",
            type=_positive_int,
            default=settings.ARCHIVE_MAX_ORIGINAL_BYTES,
            metavar="N",
            help="Refuse files larger than N bytes (default: ARCHIVE_MAX_ORIGINAL_BYTES, "
            "%(default)s).",
        )
        parser.add_argument(
            "--near-duplicates",
            choices=NEAR_DUPLICATE_CHOICES,
            default="report",
            help="A file whose text nearly repeats an article's (another encoding, other page "
            "furniture, a syndicated copy): report it and import nothing (report, the "
            "default), record it as a syndicated copy of that article (link), or import it "
            "anyway (import).",
        )

        parser.add_argument(
            "--readers",
            type=_positive_int,
            default=default_readers(),
            metavar="N",
            help="Read (decode, extract and clean) the files in N processes while this one "
            "writes them, in order: the same result, faster on several cores (default: one a "
            "core, at most four: %(default)s; 1 reads them in this process).",
        )

    def handle(
        self,
        *args,
        paths,
        publish,
        dry_run,
        report,
        max_bytes,
        near_duplicates,
        readers,
        **options,
    ):
        # The report, when it is written into a folder being imported, is not an article.
        skip = report.resolve() if report else None
        sources = [
            source
            for source in collect_sources(paths)
            if not (isinstance(source, PathSource) and source.path.resolve() == skip)
        ]
        verbosity = options["verbosity"]
        with (
            self._report_file(report) as report_file,
            tqdm(
                total=len(sources),
                unit="file",
                file=sys.stderr,
                disable=not sys.stderr.isatty(),  # the bar is drawn on stderr
                leave=False,
            ) as bar,
        ):

            def on_outcome(outcome: FileOutcome) -> None:
                if report_file is not None:
                    report_file.write(json.dumps(outcome.as_json(), ensure_ascii=False) + "\n")
                message = self._message(outcome, verbosity)
                if message is not None:
                    stream, text, style = message
                    with bar.external_write_mode():  # the bar steps aside for the line
                        stream.write(text, style_func=style)
                bar.update()

            result = import_files(
                sources,
                publish=publish,
                dry_run=dry_run,
                max_bytes=max_bytes,
                on_outcome=on_outcome,
                near_duplicates=near_duplicates,
                readers=min(readers, len(sources)),  # no more readers than files
            )
        self.stdout.write(result.summary)
        if result.refused:
            raise CommandError(f"{result.refused} file(s) refused.", returncode=1)

    def _report_file(self, path: Path | None) -> AbstractContextManager[TextIO | None]:
        if path is None:
            return nullcontext()
        try:
            return path.open("w", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write the report to {path}: {error.strerror}") from None

    def _message(
        self, outcome: FileOutcome, verbosity: int
    ) -> tuple[OutputWrapper, str, Callable[[str], str]] | None:
        """What to say about a file: refusals always, duplicates at verbosity 1, imports at 2."""
        if outcome.outcome == Outcome.REFUSED:
            return self.stderr, outcome.line, self.style.ERROR
        if outcome.outcome == Outcome.DUPLICATE and verbosity >= 1:
            return self.stdout, outcome.line, self.style.WARNING
        if outcome.outcome == Outcome.IMPORTED and verbosity >= 2:
            links = ", ".join(outcome.organisations + outcome.people + outcome.events)
            return self.stdout, f"{outcome.line}; linked: {links or 'nothing'}", str
        return None
