"""make bench measures the pages the issue names, and a mix of 1,000+ distinct combinations."""

import importlib.util

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", REPO / "scripts" / "bench_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_covers_every_kind_of_public_page(bench):
    names = [name for name, _, _ in bench.pages(100_000, "/articles/a/")]
    assert names == [
        "home",
        "whole archive",
        "one union",
        "union + year",
        "union + person",
        "date range",
        "page 2,500",
        "last page",
        "search strike",
        "search + union + year",
        "article",
        "organisation",
        "person",
        "event",
        "timeline",
    ]
    urls = dict((name, url) for name, _, url in bench.pages(100_000, "/articles/a/"))
    assert urls["last page"] == "/articles/?page=5000"


def test_the_mix_rotates_over_more_than_a_thousand_distinct_list_urls(bench):
    urls = bench.mix_urls()
    assert len(set(urls)) >= 1000
    assert all(url.startswith("/articles/?") for url in urls)
    assert sum("q=" in url for url in urls) > 50  # searches among them


@pytest.mark.django_db
def test_every_benchmarked_page_answers_on_a_small_archive(bench, client, published_article):
    for name, _, url in bench.pages(1, published_article.get_absolute_url()):
        response = client.get(url)
        assert response.status_code in (200, 404), name  # the generated slugs are not here
