"""`make run` loads the demo only into an empty archive and never changes what exists;
resetting to the demo is a separate, explicit step that says what it will do."""

import io

import pytest
from django.core.management import CommandError, call_command

from archive import history
from archive.models import Article, Organisation
from tests.conftest import REPO

pytestmark = pytest.mark.django_db


def _load(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_the_demo_loads_into_an_empty_archive_with_its_history():
    assert "Loaded the demo" in _load()
    assert Article.objects.published().count() == 5
    article = Article.objects.get(slug="no-lead-from-socialist-party")
    (entry,) = history.versions_of(article)
    assert entry.comment == "Loaded from the demo fixtures."


def test_loading_again_changes_nothing_an_editor_did():
    _load()
    article = Article.objects.get(slug="no-lead-from-socialist-party")
    article.status = Article.Status.DRAFT
    article.body_html = "<p>Edited by an editor.</p>"
    article.save()
    pcs = Organisation.objects.get(slug="pcs")
    pcs.description = "Edited description."
    pcs.save()
    Article.objects.get(slug="ministers-and-unions-to-kiss-and-make-up-next-week").delete()

    out = _load()
    assert "nothing was changed" in out and "4 articles" in out
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.body_html == "<p>Edited by an editor.</p>"
    pcs.refresh_from_db()
    assert pcs.description == "Edited description."
    assert Article.objects.count() == 4


def test_the_make_targets_use_the_safe_load_and_a_separate_reset():
    makefile = (REPO / "Makefile").read_text()
    demo = makefile.split("\ndemo:")[1].split("\n\n")[0]
    assert "load_demo" in demo and "loaddata" not in demo and "--reset" not in demo
    reset = makefile.split("\nreset-demo:")[1].split("\n\n")[0]
    assert "load_demo --reset" in reset and "deletes everything" in reset


def test_reset_says_what_it_deletes_and_does_nothing_unless_confirmed(monkeypatch):
    _load()
    Organisation.objects.filter(slug="pcs").update(description="Edited.")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("load_demo", "--reset", stdout=out)
    assert "deletes everything in the archive" in out.getvalue() and "5 articles" in out.getvalue()
    assert Organisation.objects.get(slug="pcs").description == "Edited."

    assert "Loaded the demo" in _load("--reset", "--yes")
    assert Organisation.objects.get(slug="pcs").description != "Edited."
    assert Article.objects.count() == 5


def test_the_demos_published_articles_are_harvestable_and_fingerprinted():
    _load()
    for article in Article.objects.published():
        assert article.first_published_at is not None, article.slug
        assert article.text_fingerprint and article.text_sketch, article.slug
    article = Article.objects.published().first()
    article.status = Article.Status.DRAFT
    article.save()
    assert Article.objects.harvestable().filter(pk=article.pk).exists()  # a deleted record
