"""The five seed articles imported into an archive holding the demo's organisations and people.

The demo corpus (fixtures/demo.json) was curated from the same five files; its body for each is
`sanitize(original, format)`, so the importer must give the body the demo stores less the page
furniture it trims (datelines, "Last updated at", "Click to follow", "Posted by … at …").
"""

from pathlib import Path

import pytest

from archive.importing.service import import_files
from archive.models import Article, Organisation

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed articles are not at {SEEDS}"),
]


@pytest.fixture
def demo_articles(demo_corpus) -> dict[str, dict]:
    """The demo's articles by file name, as plain values; then the archive has no articles."""
    articles = {
        article.original_filename: {
            "original": article.original,
            "format": article.original_format,
            "checksum": article.original_checksum,
            "body_html": article.body_html,  # as the fixture stores it (loaddata does not save)
            "body_text": article.body_text,
            "date": article.published_date,
            "precision": article.date_precision,
            "organisations": {org.slug for org in article.organisations.all()},
            "people": {person.slug for person in article.people.all()},
        }
        for article in Article.objects.prefetch_related("organisations", "people")
    }
    Article.objects.all().delete()
    return articles


# The demo body's paragraphs that are page furniture, by seed.
FURNITURE = {
    "000": [
        "guardian.co.uk, Friday 28 January 2011 14.26 GMT",
        "http://www.guardian.co.uk/society/2011/jan/28/unions-mass-strikes-spending-cuts",
    ],
    "001": [
        "Sunday, 7 April 2013",
        "7 April 2013 Last updated at 15:01",
        "Posted by",
        "Britannia Radio",
        "at",
        "16:56",
    ],
    "002": [],
    "003": [],
    "004": ["Click to follow Indy Politics"],
}


def test_importing_the_seeds_gives_five_drafts_with_the_demo_bodies_less_furniture(
    demo_articles,
):
    report = import_files([SEEDS])

    assert (report.imported, report.duplicates, report.refused) == (5, 0, 0)
    assert Article.objects.count() == 5
    for article in Article.objects.all():
        demo = demo_articles[article.original_filename]
        furniture = FURNITURE[article.original_filename[:3]]
        expected = [p for p in demo["body_text"].split("\n\n") if p not in furniture]
        while expected[0] in (article.title, article.standfirst):  # shown above the body
            expected.pop(0)
        assert article.body_text.split("\n\n") == expected, article.original_filename
        assert article.original == demo["original"]
        assert article.original_format == demo["format"]
        assert article.original_checksum == demo["checksum"]
        assert article.status == Article.Status.DRAFT
        assert article.imported_by == "command line" and article.imported_at is not None


def test_seed_dates_match_the_demo(demo_articles):
    import_files([SEEDS])

    dates = {
        a.original_filename[:3]: (a.published_date, a.date_precision) for a in Article.objects.all()
    }
    # 000 and 001 state theirs: a <time datetime> and a dateline, "Sunday, 7 April 2013";
    # 002 to 004 do not, and are dated from their words.
    for prefix in ("000", "001", "002", "003", "004"):
        (demo,) = (d for name, d in demo_articles.items() if name.startswith(prefix))
        assert dates[prefix] == (demo["date"], demo["precision"]), prefix


def test_seed_dates_not_stated_say_the_words_they_were_inferred_from(demo_articles):
    report = import_files([SEEDS])

    inferred = {Path(o.path).name[:3]: o.date_inferred_from for o in report.outcomes}
    assert inferred["000"] == inferred["001"] == ""  # stated by the page
    assert inferred["002"] == (
        "“In 2005 Mark is general secretary of PCSU and SP members dominate its bureaucracy” "
        "(a year stated in the present tense)"
    )
    assert inferred["003"] == (
        "“yesterday appealed for workers to scab on the November 30 public sector pensions "
        "strike” (written before Public-sector pensions strike, 2011-11-30)"
    )
    assert inferred["004"] == (
        "“in the wake of Wednesday's mass public sector strikes” "
        "(written after Public-sector pensions strike, 2011-11-30)"
    )
    for article in Article.objects.all():
        assert article.date_inferred_from == inferred[article.original_filename[:3]]


def test_seeds_003_and_004_are_linked_to_the_strike_they_speak_of(demo_articles):
    import_files([SEEDS])

    events = {
        a.original_filename[:3]: {e.slug for e in a.events.all()}
        for a in Article.objects.prefetch_related("events")
    }
    assert events["003"] == events["004"] == {"public-sector-pensions-strike-2011"}


def test_seed_links_include_the_demo_links_for_pcs_tuc_and_mark_serwotka(demo_articles):
    import_files([SEEDS])

    for article in Article.objects.prefetch_related("organisations", "people"):
        demo = demo_articles[article.original_filename]
        organisations = {org.slug for org in article.organisations.all()}
        people = {person.slug for person in article.people.all()}
        assert demo["organisations"] & {"pcs", "tuc"} <= organisations
        assert demo["people"] & {"mark-serwotka"} <= people


def test_seed_000_is_read_as_utf8_though_it_declares_latin1(demo_articles):
    report = import_files([SEEDS])

    (outcome,) = (o for o in report.outcomes if Path(o.path).name.startswith("000"))
    article = Article.objects.get(pk=outcome.article_id)
    assert outcome.encoding == "utf-8" and outcome.format == "html"
    assert "£141m" in article.body_html and "Â" not in article.original
    assert article.title == "Unions discuss mass strikes in protest at spending cuts"
    assert not article.needs_review
    assert article.url == (
        "http://www.guardian.co.uk/society/2011/jan/28/unions-mass-strikes-spending-cuts"
    )


def test_plain_text_seeds_have_guessed_titles_marked_for_review(demo_articles):
    import_files([SEEDS])

    titles = {a.original_filename[:3]: (a.title, a.needs_review) for a in Article.objects.all()}
    assert titles["002"] == ("No lead from Socialist Party", True)
    assert titles["004"] == ("Ministers and unions to kiss and make up next week", True)
    assert titles["001"][0] == "The PCS union went on strike on the day of the Budget"


def test_importing_the_seeds_again_imports_nothing(demo_articles):
    import_files([SEEDS])

    again = import_files([SEEDS])

    assert (again.imported, again.duplicates, again.refused) == (0, 5, 0)
    assert Article.objects.count() == 5
    assert all("the same bytes" in outcome.reason for outcome in again.outcomes)


def test_seeds_with_a_source_are_linked_to_its_publication(demo_articles):
    import_files([SEEDS])

    sources = {
        a.original_filename[:3]: (a.source, {o.slug for o in a.organisations.all()})
        for a in Article.objects.prefetch_related("organisations")
    }
    # guardian.co.uk in the dateline's link; "Posted by Britannia Radio at 16:56"; the
    # Independent's "Click to follow Indy Politics".
    assert sources["000"][0] == "The Guardian"
    assert sources["001"][0] == "Britannia Radio"
    assert sources["004"][0] == "The Independent"
    for prefix in ("000", "001", "004"):
        source, organisations = sources[prefix]
        assert Organisation.objects.get(name=source).slug in organisations
    assert sources["002"][0] == sources["003"][0] == ""


def test_a_publication_linked_as_the_source_says_what_named_it(demo_articles):
    report = import_files([SEEDS])

    (outcome,) = (o for o in report.outcomes if Path(o.path).name.startswith("004"))
    (link,) = (link for link in outcome.links if link["name"] == "The Independent")
    assert link["evidence"] == "source: Indy Politics"  # "Click to follow Indy Politics"
