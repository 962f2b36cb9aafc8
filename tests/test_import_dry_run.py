"""A dry run reports what a real run would do and writes nothing."""

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

TEXT = "PCS strike\n\nPCS members and the TUC walked out over pay.\n"


def test_a_dry_run_writes_nothing_but_reports_the_article_and_its_links(write_file, pcs, tuc):
    report = import_files([write_file("a.txt", TEXT)], dry_run=True)

    (outcome,) = report.outcomes
    assert outcome.outcome == "imported" and outcome.article_id is None
    assert (outcome.title, outcome.slug) == ("PCS strike", "pcs-strike")
    assert set(outcome.organisations) == {pcs.name, tuc.name}
    assert report.summary.startswith("Dry run, nothing written: would import 1")
    assert not Article.objects.exists()
    assert not Article.organisations.through.objects.exists()


def test_a_dry_run_still_finds_duplicates_and_gives_the_slugs_a_real_run_would(write_file):
    other = "PCS strike\n\nA different article with the same title.\n"
    files = [write_file("a.txt", TEXT), write_file("b.txt", TEXT), write_file("c.txt", other)]

    report = import_files(files, dry_run=True)

    assert [o.outcome for o in report.outcomes] == ["imported", "duplicate", "imported"]
    assert [report.outcomes[0].slug, report.outcomes[2].slug] == ["pcs-strike", "pcs-strike-2"]
    assert not Article.objects.exists()
