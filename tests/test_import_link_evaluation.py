"""Entity links on the labelled sentences meet the issue's goals: precision 95 %, recall 90 %.

tests/evaluation/links.json holds sentences about the demo's entities with the links each should
get; scripts/evaluate_links.py prints the same scores.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "evaluate_links.py"


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("evaluate_links", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # for its dataclasses
    spec.loader.exec_module(module)
    return module.evaluate()


def test_the_labelled_set_has_forty_sentences_with_traps_and_links():
    sentences = json.loads((ROOT / "tests" / "evaluation" / "links.json").read_text())
    assert len(sentences) >= 40
    assert sum(1 for item in sentences if not item["links"]) >= 10  # ordinary words only
    assert sum(1 for item in sentences if any(k.startswith("event:") for k in item["links"])) >= 5


def test_links_are_precise(score):
    assert score.precision >= 0.95, score.misses


def test_links_are_found(score):
    assert score.recall >= 0.90, score.misses
