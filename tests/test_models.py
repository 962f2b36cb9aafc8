import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from archive.models import Article, Event, Organisation, Person, Role
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def _violates(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_database_refuses_duplicate_slugs(pcs, serwotka, n30, published_article):
    assert _violates(lambda: Organisation.objects.create(name="Other", slug="pcs"))
    assert _violates(lambda: Person.objects.create(name="Other", slug="mark-serwotka"))
    assert _violates(
        lambda: Event.objects.create(name="x", slug=n30.slug, start_date=dt.date(2011, 1, 1))
    )
    assert _violates(
        lambda: make_article(title="Other", slug=published_article.slug, original="different")
    )


def test_database_refuses_the_same_original_twice(published_article):
    assert _violates(
        lambda: make_article(
            title="Copy",
            slug="copy",
            original=published_article.original,
            original_format=Article.Format.HTML,
        )
    )


def test_database_refuses_values_outside_the_choices(pcs, published_article):
    assert _violates(lambda: Organisation.objects.filter(pk=pcs.pk).update(kind="guild"))
    assert _violates(lambda: Article.objects.filter(pk=published_article.pk).update(status="gone"))
    assert _violates(
        lambda: Article.objects.filter(pk=published_article.pk).update(date_precision="week")
    )
    assert _violates(
        lambda: Event.objects.create(
            name="x", slug="x", kind="picnic", start_date=dt.date(2011, 1, 1)
        )
    )


def test_database_refuses_an_end_date_before_the_start(pcs, serwotka):
    assert _violates(
        lambda: Event.objects.create(
            name="Backwards",
            slug="backwards",
            start_date=dt.date(2011, 11, 30),
            end_date=dt.date(2011, 11, 29),
        )
    )
    assert _violates(
        lambda: Role.objects.create(
            person=serwotka,
            organisation=pcs,
            title="president",
            start_date=dt.date(2005, 1, 1),
            end_date=dt.date(2004, 1, 1),
        )
    )
    one_day = Event.objects.create(
        name="One day", slug="one-day", start_date=dt.date(2011, 1, 1), end_date=dt.date(2011, 1, 1)
    )
    assert one_day.pk


def test_published_is_the_only_public_definition(published_article, draft_article):
    assert list(Article.objects.published()) == [published_article]


def test_saving_derives_checksum_clean_body_text_year_and_month(db):
    article = make_article(
        title="",
        slug="derived",
        original="<h1>Headline</h1><p onclick='x()'>Body &amp; <script>bad()</script>text</p>",
        original_format=Article.Format.HTML,
        published_date=dt.date(2011, 11, 17),
        date_precision=Article.Precision.MONTH,
    )
    assert article.title == "Headline"
    assert len(article.original_checksum) == 64
    assert "onclick" not in article.body_html and "script" not in article.body_html
    assert "Headline" not in article.body_html
    assert "Body & text" in article.body_text or "Body &" in article.body_text
    assert (article.year, article.month) == (2011, 11)
    assert article.published_date == dt.date(2011, 11, 1)
    assert article.date_display == "November 2011"
    assert article.date_iso == "2011-11"


@pytest.mark.parametrize(
    ("precision", "expected", "iso", "month"),
    [
        ("day", "28 January 2011", "2011-01-28", 1),
        ("month", "January 2011", "2011-01", 1),
        ("year", "2011", "2011", None),
    ],
)
def test_date_is_shown_at_its_precision(db, precision, expected, iso, month):
    article = make_article(published_date=dt.date(2011, 1, 28), date_precision=precision)
    assert article.date_display == expected
    assert article.date_iso == iso
    assert article.month == month


def test_editing_the_body_cleans_it_again_on_save(published_article):
    published_article.body_html = (
        '<p>Edited <a href="javascript:alert(1)">link</a></p><script>x</script>'
    )
    published_article.save()
    published_article.refresh_from_db()
    assert "javascript" not in published_article.body_html
    assert "<script" not in published_article.body_html
    assert "Edited" in published_article.body_text


def test_organisation_aliases_are_one_per_line(pcs):
    assert pcs.alias_list == ["PCSU", "Public and Commercial Services (PCS) union"]


def test_every_public_model_has_a_page_url(published_article, pcs, serwotka, n30):
    assert published_article.get_absolute_url() == "/articles/civil-servants-strike-over-pensions/"
    assert pcs.get_absolute_url() == "/organisations/pcs/"
    assert serwotka.get_absolute_url() == "/people/mark-serwotka/"
    assert n30.get_absolute_url() == "/events/public-sector-pensions-strike-2011/"


def test_a_heading_typed_as_h1_in_the_body_is_kept_as_a_sub_heading(published_article):
    published_article.body_html = "<h1>'Reaction' & more</h1><p>Members welcomed it.</p>"
    published_article.save()
    assert published_article.body_html == (
        "<h2>'Reaction' &amp; more</h2>\n<p>Members welcomed it.</p>"
    )
    before = published_article.body_html
    published_article.save()
    assert published_article.body_html == before


def test_a_body_handed_over_is_cleaned_by_the_model_whoever_made_it(db):
    article = Article(
        title="Handed over",
        slug="handed-over",
        original="x",
        body_html='<p onclick="steal()">Hi</p><script>x()</script>',
    )
    article.save()
    assert article.body_html == "<p>Hi</p>"
    article.body_html = '<p onclick="steal()">Edited</p><script>x()</script>'
    article.save()
    assert article.body_html == "<p>Edited</p>"


def test_saving_applies_no_editorial_rule_a_repeated_headline_stays(db):
    """The model derives and sanitises only; the importer and admin form apply editorial rules."""
    article = make_article(
        title="No lead from Socialist Party",
        standfirst="Members vote for action",
        original="No lead from Socialist Party\n\nMembers vote for action\n\nThe ballot went on.",
    )
    assert article.body_text.startswith("No lead from Socialist Party")


def test_the_article_model_has_no_side_door_for_bodies():
    assert not hasattr(Article, "use_clean_body")


def test_editing_an_article_never_removes_its_opening(published_article):
    published_article.body_html = f"<p>{published_article.title}</p><p>More.</p>"
    published_article.save()
    assert published_article.body_text.startswith(published_article.title)
