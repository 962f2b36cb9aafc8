"""Score the importer's entity links on labelled sentences; asserts nothing.

    .venv/bin/python scripts/evaluate_links.py            # precision and recall
    .venv/bin/python scripts/evaluate_links.py --misses   # and every wrong or missing link

tests/evaluation/links.json holds sentences written about the demo's organisations, people and
events (fixtures/demo.json), each with the links it should get: names that are also ordinary
words (Unite, Unity, Labour, Treasury, SP) used both ways, names inside longer names, and
events named or given by a date. The matcher is the importer's own
(archive.importing.linking), built from the demo's entities without a database. The goals are
precision 95 % and recall 90 % (tests/test_import_link_evaluation.py holds it to them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ROOT / "tests" / "evaluation" / "links.json"
DEMO = ROOT / "fixtures" / "demo.json"
GOALS = {"precision": 0.95, "recall": 0.90}


@dataclass
class LinkScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    sentences: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def demo_matcher():
    """The importer's matcher for the demo's entities, made from the fixture in memory."""
    from archive.importing.linking import EntityMatcher, EventDates
    from archive.models import Event, Organisation, Person

    records = json.loads(DEMO.read_text(encoding="utf-8"))
    entities = []
    org_ids: dict[str, int] = {}
    event_dates = {}
    for number, record in enumerate(records, start=1):
        fields = record["fields"]
        if record["model"] == "archive.organisation":
            org = Organisation(pk=number, **_only(fields, "name slug abbreviation aliases kind"))
            org_ids[org.slug] = number
            entities.append((org, [org.name, org.abbreviation, *org.alias_list]))
        elif record["model"] == "archive.person":
            person = Person(pk=number, **_only(fields, "name slug aliases"))
            entities.append((person, [person.name, *person.alias_list]))
    for number, record in enumerate(records, start=1):
        fields = record["fields"]
        if record["model"] == "archive.event":
            start = dt.date.fromisoformat(fields["start_date"])
            end = dt.date.fromisoformat(fields["end_date"]) if fields.get("end_date") else start
            event = Event(
                pk=number,
                name=fields["name"],
                slug=fields["slug"],
                aliases=fields.get("aliases", ""),
                kind=fields.get("kind", ""),
                start_date=start,
            )
            entities.append((event, [event.name, *event.alias_list]))
            event_dates[number] = EventDates(
                start,
                end,
                frozenset(org_ids[key[0]] for key in fields["organisations"]),
                event.kind,
            )
    return EntityMatcher(entities, event_dates)


def _only(fields: dict, names: str) -> dict:
    return {name: fields.get(name, "") for name in names.split()}


def evaluate(path: Path = SENTENCES) -> LinkScore:
    matcher = demo_matcher()
    score = LinkScore()
    for item in json.loads(path.read_text(encoding="utf-8")):
        published = dt.date.fromisoformat(item["published"]) if item.get("published") else None
        links = matcher.find(item["text"], published)
        found = {f"org:{o.slug}" for o in links.organisations}
        found |= {f"person:{p.slug}" for p in links.people}
        found |= {f"event:{e.slug}" for e in links.events}
        wanted = set(item["links"])
        score.sentences += 1
        score.true_positives += len(found & wanted)
        score.false_positives += len(found - wanted)
        score.false_negatives += len(wanted - found)
        for link in sorted(found - wanted):
            score.misses.append(f"wrong link {link}: {item['text']}")
        for link in sorted(wanted - found):
            score.misses.append(f"missing link {link}: {item['text']}")
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong or missing link")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    # A developer's script, run outside the make targets: settings need a key, never a real one.
    os.environ.setdefault("DJANGO_SECRET_KEY", "evaluation-only-not-a-secret")
    import django

    django.setup()
    score = evaluate()
    found = score.true_positives + score.false_positives
    wanted = score.true_positives + score.false_negatives
    print(f"{score.sentences} sentences, {wanted} links expected, {found} made")
    print(f"precision {score.precision:6.1%}  (goal {GOALS['precision']:.0%})")
    print(f"recall    {score.recall:6.1%}  (goal {GOALS['recall']:.0%})")
    if args.misses:
        for miss in score.misses:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
