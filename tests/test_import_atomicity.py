"""A file is imported whole or not at all: a failure half-way leaves no trace."""

import pytest

from archive.importing import service
from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

TEXT = "PCS strike\n\nPCS members and the TUC walked out over pay.\n"


def test_a_failure_after_the_article_is_written_leaves_nothing(write_file, monkeypatch, pcs, tuc):
    def link_then_fail(article, links):
        assert Article.objects.filter(pk=article.pk).exists()  # the row was written
        article.organisations.add(*links.organisations)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(service, "_link_entities", link_then_fail)

    (outcome,) = import_files([write_file("a.txt", TEXT)]).outcomes

    assert outcome.outcome == "refused"
    assert "nothing written" in outcome.reason and "the disk is full" in outcome.reason
    assert not Article.objects.exists()
    assert not Article.organisations.through.objects.exists()


def test_the_run_goes_on_after_a_failure(write_file, monkeypatch, pcs):
    real_link = service._link_entities
    calls = []

    def fail_first(article, links):
        calls.append(article.title)
        if len(calls) == 1:
            raise RuntimeError("boom")
        real_link(article, links)

    monkeypatch.setattr(service, "_link_entities", fail_first)
    files = [write_file("a.txt", TEXT), write_file("b.txt", "PCS again\n\nPCS struck.\n")]

    report = import_files(files)

    assert [o.outcome for o in report.outcomes] == ["refused", "imported"]
    assert list(Article.objects.values_list("title", flat=True)) == ["PCS again"]
    assert Article.objects.get().organisations.get() == pcs
