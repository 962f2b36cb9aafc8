"""The demo corpus: the five seed articles with their organisations, people and events."""

import hashlib

import pytest
from django.core.management import call_command

from archive.models import Article, Event, Organisation, Person, Role
from tests.conftest import REPO, SHARED

pytestmark = pytest.mark.django_db
FIXTURE = str(REPO / "fixtures" / "demo.json")


def _counts():
    return [m.objects.count() for m in (Article, Organisation, Person, Role, Event)]


def test_demo_loads_into_an_empty_database_and_twice_changes_nothing():
    call_command("loaddata", FIXTURE, verbosity=0)
    first = _counts()
    assert first[0] == 5
    call_command("loaddata", FIXTURE, verbosity=0)
    assert _counts() == first


def test_every_demo_article_is_published_with_title_date_and_clean_body(demo_corpus):
    for article in Article.objects.all():
        assert article.is_published
        assert article.title and article.published_date and article.year
        assert article.body_html.startswith("<")
        assert "<script" not in article.body_html and "style=" not in article.body_html
        assert article.body_text
        assert hashlib.sha256(article.original.encode("utf-8")).hexdigest() == (
            article.original_checksum
        )


def test_demo_dates_are_as_precise_as_the_text_supports(demo_corpus):
    dates = {a.slug: a.date_display for a in Article.objects.all()}
    assert dates["unions-discuss-mass-strikes-in-protest-at-spending-cuts"] == "28 January 2011"
    assert dates["pcs-in-talks-on-general-strike-over-spending-cuts"] == "7 April 2013"
    assert dates["no-lead-from-socialist-party"] == "2005"
    assert dates["ministers-and-unions-to-kiss-and-make-up-next-week"] == "December 2011"


def test_seed_000_reads_pounds_not_mojibake(demo_corpus):
    article = Article.objects.get(slug="unions-discuss-mass-strikes-in-protest-at-spending-cuts")
    assert "£141m" in article.body_html
    assert "Â£" not in article.body_html and "Â£" not in article.original


def _linked(slug: str, relation: str) -> set[str]:
    return {a.slug[:12] for a in Article.objects.filter(**{f"{relation}__slug": slug})}


@pytest.mark.parametrize(
    ("relation", "slug", "articles"),
    [
        ("organisations", "pcs", {"unions-discu", "pcs-in-talks", "no-lead-from"}),
        (
            "organisations",
            "tuc",
            {"unions-discu", "pcs-in-talks", "danny-alexan", "ministers-an"},
        ),
        ("organisations", "unite", {"pcs-in-talks"}),
        ("organisations", "unison", {"ministers-an"}),
        ("organisations", "gmb", {"unions-discu"}),
        ("organisations", "atl", {"unions-discu"}),
        ("people", "mark-serwotka", {"unions-discu", "pcs-in-talks", "no-lead-from"}),
        ("people", "danny-alexander", {"danny-alexan", "ministers-an"}),
        ("people", "francis-maude", {"unions-discu", "ministers-an"}),
        ("people", "brendan-barber", {"ministers-an"}),
        ("people", "dave-prentis", {"ministers-an"}),
        ("people", "ed-miliband", {"ministers-an"}),
        ("people", "kay-carberry", {"unions-discu"}),
        ("people", "dave-wiltshire", {"danny-alexan"}),
        ("people", "tony-reay", {"no-lead-from"}),
        ("events", "march-for-the-alternative-2011", {"unions-discu"}),
        ("events", "public-sector-pensions-strike-2011", {"danny-alexan", "ministers-an"}),
        ("events", "pcs-budget-day-strike-2013", {"pcs-in-talks"}),
        ("events", "hmrc-half-day-strike-2013", {"pcs-in-talks"}),
    ],
)
def test_each_entity_is_linked_to_exactly_the_articles_that_name_it(
    demo_corpus, relation, slug, articles
):
    assert _linked(slug, relation) == articles


def test_every_linked_person_is_named_in_the_article_text(demo_corpus):
    for article in Article.objects.prefetch_related("people"):
        for person in article.people.all():
            surname = person.name.split()[-1]
            assert surname in article.body_text, (person.name, article.slug)


def test_roles_are_as_the_articles_state_them(demo_corpus):
    assert Role.objects.filter(
        person__slug="mark-serwotka", organisation__slug="pcs", title="general secretary"
    ).exists()
    assert Role.objects.filter(
        person__slug="brendan-barber", organisation__slug="tuc", title="general secretary"
    ).exists()
    assert Organisation.objects.get(slug="pcs").predecessor.slug == "cpsa"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not present")
def test_demo_originals_are_the_seeds_byte_for_byte(demo_corpus):
    originals = {a.original_filename: a.original.encode("utf-8") for a in Article.objects.all()}
    seeds = {p.name: p.read_bytes() for p in (SHARED / "seeds").iterdir()}
    assert originals == seeds
