"""Score the importer's titles, dates and sources on the evaluation pages; asserts nothing.

    .venv/bin/python scripts/evaluate_import.py            # the scores
    .venv/bin/python scripts/evaluate_import.py --misses   # and every page it gets wrong

The pages in tests/evaluation/pages are saved news pages, union sites, blogs, e-mails and
transcriptions written for this purpose, each with its headline, publication date (at its
precision: 2011-11-30, 2011-11 or 2011) and source publication in tests/evaluation/expected.json.
Each file goes through the importer's own steps (decoding, format detection, extraction), as
`manage.py import_articles` would take it; no database is needed. The goals are dates 95 %
and titles 90 % (tests/test_import_evaluation.py holds the importer to them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVALUATION = ROOT / "tests" / "evaluation"
GOALS = {"date": 0.95, "title": 0.90}


@dataclass
class Score:
    field: str
    right: int
    total: int
    misses: list[str]

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


def evaluate(folder: Path = EVALUATION) -> list[Score]:
    """Each field's score over the pages in folder/pages against folder/expected.json."""
    from archive.importing.decoding import decode, detect_format
    from archive.importing.extract import extract

    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    scores = {name: Score(name, 0, 0, []) for name in ("title", "date", "source")}
    for filename, wanted in sorted(expected.items()):
        decoded = decode((folder / "pages" / filename).read_bytes())
        extracted = extract(decoded.text, detect_format(filename, decoded.text))
        found = {
            "title": extracted.title,
            "date": extracted.published.iso if extracted.published else "",
            "source": extracted.source,
        }
        for name, score in scores.items():
            score.total += 1
            if _same(found[name], wanted[name]):
                score.right += 1
            else:
                score.misses.append(
                    f"{filename}: {name} {found[name]!r}, expected {wanted[name]!r}"
                )
    return list(scores.values())


def _same(found: str, wanted: str) -> bool:
    return " ".join(found.split()).casefold() == " ".join(wanted.split()).casefold()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--misses", action="store_true", help="list every page it gets wrong")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    # A developer's script, run outside the make targets: settings need a key, never a real one.
    os.environ.setdefault("DJANGO_SECRET_KEY", "evaluation-only-not-a-secret")
    import django

    django.setup()
    scores = evaluate()
    print(f"{'field':<8} {'right':>5} {'of':>4} {'score':>7} {'goal':>6}")
    for score in scores:
        goal = GOALS.get(score.field)
        goal_text = f"{goal:.0%}" if goal else "-"
        print(
            f"{score.field:<8} {score.right:>5} {score.total:>4} {score.share:>7.1%} {goal_text:>6}"
        )
    if args.misses:
        for score in scores:
            for miss in score.misses:
                print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
