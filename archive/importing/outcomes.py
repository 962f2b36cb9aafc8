"""What an import reports: one outcome per file, and the run's summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Refused(Exception):
    """The file cannot be imported; the message says why in a few words."""


def one_line(error: BaseException) -> str:
    """An unexpected error, for a report: its kind and message on one line."""
    return " ".join(f"{type(error).__name__}: {error}".split())


class Outcome(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass
class FileOutcome:
    """What happened to one file: the article made (or found), or why there is none.

    In a dry run an imported file has no `article_id` (nothing was written) but everything
    else is as a real run would make it.
    """

    path: str
    outcome: Outcome
    reason: str = ""
    encoding: str = ""
    format: str = ""
    article_id: int | None = None
    slug: str = ""
    title: str = ""
    needs_review: bool = False
    date: str = ""
    date_precision: str = ""
    # When the file states no date and one was inferred: “the words” (how), for an editor.
    date_inferred_from: str = ""
    byline: str = ""
    source: str = ""
    reposted_by: str = ""
    sender: str = ""
    url: str = ""
    organisations: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    # Every link made: {"kind": "organisation" | "person" | "event", "id", "name",
    # "evidence": the words of the text that made it}, for the report to list and undo.
    links: list[dict] = field(default_factory=list)
    # A near-duplicate: the article its text nearly repeats, the share of the same text, and
    # whether it was recorded as a syndicated copy of that article.
    duplicate_of: int | None = None
    similarity: float | None = None
    copy_recorded: bool = False
    note: str = ""  # what an editor should know about an imported file

    @property
    def line(self) -> str:
        """One line for a terminal or a message: the file, what happened and why."""
        if self.outcome == Outcome.REFUSED:
            return f"{self.path}: refused: {self.reason}"
        if self.outcome == Outcome.DUPLICATE:
            return f"{self.path}: duplicate: {self.reason}"
        note = f"; {self.note}" if self.note else ""
        if self.date_inferred_from:  # for an editor to check
            dated = f"dated {self.date} ({self.date_precision})"
            note += f"; {dated}, inferred from {self.date_inferred_from}"
        return f"{self.path}: imported as “{self.title}” ({self.slug}){note}"

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class ImportReport:
    dry_run: bool = False
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.outcomes if item.outcome == outcome)

    @property
    def imported(self) -> int:
        return self.count(Outcome.IMPORTED)

    @property
    def duplicates(self) -> int:
        return self.count(Outcome.DUPLICATE)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def summary(self) -> str:
        """The closing line, such as "Imported 3, duplicates 1, refused 0."."""
        counts = f"duplicates {self.duplicates}, refused {self.refused}."
        if self.dry_run:
            return f"Dry run, nothing written: would import {self.imported}, {counts}"
        return f"Imported {self.imported}, {counts}"
