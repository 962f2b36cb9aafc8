"""The importer's titles and dates on the evaluation pages meet the issue's goals.

tests/evaluation holds saved news pages, union sites, blogs, e-mails and transcriptions with
their expected headline, date and source; scripts/evaluate_import.py prints the same scores.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "evaluate_import.py"


@pytest.fixture(scope="module")
def scores() -> dict:
    spec = importlib.util.spec_from_file_location("evaluate_import", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # for its dataclasses
    spec.loader.exec_module(module)
    return {score.field: score for score in module.evaluate()}


def test_the_evaluation_set_has_at_least_forty_pages_of_every_kind():
    expected = json.loads((ROOT / "tests" / "evaluation" / "expected.json").read_text())
    kinds = {name.split("-")[0] for name in expected}
    assert len(expected) >= 40
    assert {"news", "union", "blog", "email", "text"} <= kinds
    assert all((ROOT / "tests" / "evaluation" / "pages" / name).is_file() for name in expected)


def test_importer_finds_at_least_95_percent_of_the_dates(scores):
    assert scores["date"].share >= 0.95, scores["date"].misses


def test_importer_finds_at_least_90_percent_of_the_titles(scores):
    assert scores["title"].share >= 0.90, scores["title"].misses
