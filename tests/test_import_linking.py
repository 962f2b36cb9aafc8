"""Imported articles are linked to the organisations, people and events their text names."""

import datetime as dt

import pytest

from archive.importing import service
from archive.importing.linking import EntityMatcher
from archive.importing.service import import_files
from archive.models import Article, Event, Organisation, Person

pytestmark = pytest.mark.django_db


def _links(write_file, text: str) -> tuple[set[str], set[str], set[str]]:
    (outcome,) = import_files([write_file("article.txt", text)]).outcomes
    article = Article.objects.get(pk=outcome.article_id)
    linked = (
        {org.slug for org in article.organisations.all()},
        {person.slug for person in article.people.all()},
        {event.slug for event in article.events.all()},
    )
    assert (set(outcome.organisations), set(outcome.people)) == (
        {org.name for org in article.organisations.all()},
        {person.name for person in article.people.all()},
    )  # every link made is in the report
    return linked


def test_unite_the_union_is_linked_but_not_unite_the_verb(write_file, unite):
    assert _links(write_file, "Workers unite to defend their pensions.")[0] == set()
    assert _links(write_file, "Members of Unite walked out.")[0] == {"unite"}


def test_an_abbreviation_matches_as_written_and_as_a_whole_word(write_file, pcs):
    assert _links(write_file, "The PCSs of the world and the pcs branch met.")[0] == set()
    assert _links(write_file, "The PCS union's members voted.")[0] == {"pcs"}


def test_organisations_and_people_are_found_by_their_aliases(write_file, pcs, serwotka):
    serwotka.aliases = "Mr Serwotka"
    serwotka.save()

    organisations, people, _ = _links(
        write_file, "The PCSU leader spoke. Later, mr serwotka told reporters more."
    )

    assert organisations == {"pcs"} and people == {"mark-serwotka"}


def test_names_of_several_words_match_in_any_case_across_hyphens_and_lines(write_file, treasury):
    Organisation.objects.create(name="Cabinet Office", slug="cabinet-office", kind="government")

    organisations, _, _ = _links(write_file, "The cabinet\noffice minister and HM-Treasury met.")

    assert organisations == {"cabinet-office", "hm-treasury"}


def test_an_event_is_linked_when_the_text_names_it(write_file, n30):
    _, _, events = _links(write_file, "Millions joined the public sector pensions strike.")

    assert events == {"public-sector-pensions-strike-2011"}


def test_the_longest_name_wins_where_names_overlap(write_file):
    Organisation.objects.create(name="Left Unity", slug="left-unity", kind="party")
    Organisation.objects.create(name="Unity", slug="unity", kind="party")

    organisations, _, _ = _links(write_file, "The Left Unity group met the union.")

    assert organisations == {"left-unity"}


def test_the_matcher_is_built_once_per_run(write_file, monkeypatch, pcs):
    built = []
    original = EntityMatcher.from_archive.__func__

    def counting(cls):
        built.append(cls)
        return original(cls)

    monkeypatch.setattr(service.EntityMatcher, "from_archive", classmethod(counting))
    files = [write_file(f"{n}.txt", f"PCS strike day {n} begins today.") for n in range(3)]

    report = import_files(files)

    assert report.imported == 3 and len(built) == 1


def test_a_matcher_finds_each_entity_once_in_order_of_first_mention(pcs, tuc, serwotka):
    matcher = EntityMatcher.from_archive()

    links = matcher.find("TUC and PCS met. PCS and the TUC agreed. Mark Serwotka spoke.")

    assert [org.slug for org in links.organisations] == ["tuc", "pcs"]
    assert links.people == [Person.objects.get(slug="mark-serwotka")]


@pytest.fixture
def ordinary_word_names(db):
    """Organisations whose names are also ordinary words, as in the demo."""
    made = {}
    for name, slug, kind, abbreviation, aliases in (
        ("Unite", "unite", "trade_union", "", "Unite the Union"),
        ("Unity", "unity", "party", "", ""),
        ("Labour Party", "labour-party", "party", "", "Labour"),
        ("HM Treasury", "hm-treasury", "government", "", "Treasury"),
        ("Socialist Party", "socialist-party", "party", "SP", ""),
    ):
        made[slug] = Organisation.objects.create(
            name=name, slug=slug, kind=kind, abbreviation=abbreviation, aliases=aliases
        )
    return made


@pytest.mark.parametrize(
    "sentence",
    [
        "The Labour Research Department published new figures.",
        "Unity is strength, the banner said.",
        "Unite and fight was the slogan of the day.",
        "The depot on Treasury Road was picketed.",
        "The SP line on the ballot was never explained.",
        "Labour costs at the plant have fallen.",
    ],
)
def test_a_name_that_is_an_ordinary_word_is_not_linked_without_evidence(
    write_file, ordinary_word_names, sentence
):
    assert _links(write_file, f"Report\n\n{sentence}\n")[0] == set()


@pytest.mark.parametrize(
    ("sentence", "slug"),
    [
        ("Unite, the UK's largest union, has submitted documents.", "unite"),
        ("Members of the Unite union voted to strike.", "unite"),
        ("The Labour leader Ed Miliband did not support the strikes.", "labour-party"),
        ("Danny Alexander, Chief Secretary to the Treasury, met them.", "hm-treasury"),
        ("SP members dominate its bureaucracy.", "socialist-party"),
        ("The Socialist Party says the SP will not lead.", "socialist-party"),
    ],
)
def test_a_name_that_is_an_ordinary_word_is_linked_with_evidence(
    write_file, ordinary_word_names, sentence, slug
):
    assert _links(write_file, f"Report\n\n{sentence}\n")[0] == {slug}


def test_an_event_is_linked_by_its_alias(write_file, n30):
    n30.aliases = "N30"
    n30.save()

    assert _links(write_file, "Report\n\nThousands marched on N30.\n")[2] == {n30.slug}


def test_an_event_is_linked_by_a_date_near_it_with_a_union_taking_part(write_file, n30):
    text = "20 November 2011\n\nPCS members will join the November 30 strike.\n"

    organisations, _, events = _links(write_file, text)

    assert organisations == {"pcs"} and events == {n30.slug}


def test_a_date_without_an_organisation_taking_part_links_no_event(write_file, n30, unite):
    text = "20 November 2011\n\nOn 30 November the shops were busy, and Unite members shopped.\n"

    assert _links(write_file, text)[2] == set()


def test_a_date_in_another_year_links_no_event(write_file, n30):
    text = "1 November 2012\n\nThe PCS strike on 30 November 2012 was called off.\n"

    assert _links(write_file, text)[2] == set()


def test_an_event_is_linked_by_its_weekday_and_the_words_of_its_name(write_file, n30):
    # 30 November 2011 was a Wednesday.
    text = "Talks\n\nTUC leaders will meet after Wednesday's mass public sector strikes.\n"

    assert _links(write_file, text)[2] == {n30.slug}


def test_another_weekday_or_kind_of_event_links_nothing(write_file, n30):
    for words in ("Tuesday's mass public sector strikes", "Wednesday's public sector rally"):
        text = f"Talks\n\nTUC leaders will meet after {words}.\n"

        assert _links(write_file, text)[2] == set(), words


def test_a_weekday_that_two_events_fit_links_neither(write_file, n30, tuc):
    other = Event.objects.create(
        name="Public sector strike",
        slug="public-sector-strike-2012",
        kind=Event.Kind.STRIKE,
        start_date=dt.date(2012, 5, 9),  # a Wednesday too
    )
    other.organisations.set([tuc])
    text = "Talks\n\nTUC leaders will meet after Wednesday's mass public sector strikes.\n"

    assert _links(write_file, text)[2] == set()
