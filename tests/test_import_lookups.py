"""An import run's per-file reads (checksum, URL, free slugs) are built once a run and find
exactly what the querysets they stand for find."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing.lookups import Lookups
from archive.importing.service import import_files
from archive.models import Article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_the_lookups_find_what_the_querysets_find():
    first = make_article(title="Strike called", slug="strike-called", url="https://x.org/a")
    make_article(title="Strike called again", slug="strike-called-2", url="https://x.org/b")
    lookups = Lookups()
    found = {"id": first.pk, "slug": "strike-called", "title": "Strike called"}
    assert lookups.article_with_checksum([first.original_checksum]) == found
    assert lookups.article_with_checksum(["0" * 64]) is None
    assert lookups.article_with_url(["http://x.org/a", "https://x.org/a"]) == found
    assert lookups.article_with_url(["https://x.org/c"]) is None
    candidates = ["strike-called", "strike-called-2", "strike-called-3", "strike-called"]
    assert lookups.slugs_taken(candidates) == {"strike-called", "strike-called-2"}
    assert lookups.slugs_taken([]) == set()
    # The first of several articles with one of the URLs is the one the articles' order puts
    # first, as the queryset's .first() gives it.
    expected = (
        Article.objects.filter(url__in=["https://x.org/a", "https://x.org/b"])
        .values("id", "slug", "title")
        .first()
    )
    assert lookups.article_with_url(["https://x.org/a", "https://x.org/b"]) == expected


def test_each_lookup_is_built_once_and_still_runs_through_djangos_cursor(write_file):
    make_article(title="Strike called", slug="strike-called")
    paths = [write_file(f"{n}.txt", f"Strike called\n\nThe union called strike {n}.") for n in "ab"]
    lookups = Lookups()
    with CaptureQueriesContext(connection) as queries:
        assert lookups.slugs_taken(["strike-called", "strike-called-2"]) == {"strike-called"}
        assert lookups.slugs_taken(["strike-called", "strike-called-9"]) == {"strike-called"}
    assert len(queries) == 2  # seen by Django like any query
    assert list(lookups._slugs.sql) == [2]
    report = import_files(paths)
    assert [o.slug for o in report.outcomes] == ["strike-called-2", "strike-called-3"]
