"""Build fixtures/demo.json from the five source articles in ../shared/seeds.

A developer's tool, run by hand when the demo's curation changes:

    .venv/bin/python scripts/build_demo_fixtures.py [SEEDS_DIR]

It creates the demo's organisations, people, roles, events and articles through the models (so
every derived field - checksum, clean body, plain text, year and month - is made by the same code
that makes it for editors) in a throwaway SQLite database, then writes them with natural keys.
Nothing at run time reads ../shared: the fixture carries the originals.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
OUTPUT = ROOT / "fixtures" / "demo.json"

# --- Organisations: (slug, name, abbreviation, kind, aliases, parent, predecessor, description)
ORGANISATIONS = [
    (
        "tuc",
        "Trades Union Congress",
        "TUC",
        "federation",
        [],
        None,
        None,
        "The federation of trade unions in England and Wales.",
    ),
    (
        "cpsa",
        "Civil and Public Services Association",
        "CPSA",
        "trade_union",
        [],
        "tuc",
        None,
        "Civil service union; merged into the Public and Commercial Services Union in 1998.",
    ),
    (
        "pcs",
        "Public and Commercial Services Union",
        "PCS",
        "trade_union",
        ["PCSU", "Public and Commercial Services (PCS) union"],
        "tuc",
        "cpsa",
        "The union of civil servants and workers in government agencies; in 2013 the "
        "fifth-largest trade union in the UK with 270,000 members.",
    ),
    (
        "unite",
        "Unite",
        "",
        "trade_union",
        ["Unite the Union"],
        "tuc",
        None,
        "In 2013 the UK's largest union, with 1.4 million members.",
    ),
    ("unison", "Unison", "", "trade_union", ["UNISON"], "tuc", None, "The public service union."),
    ("gmb", "GMB", "GMB", "trade_union", ["GMB union"], "tuc", None, "General union."),
    (
        "atl",
        "Association of Teachers and Lecturers",
        "ATL",
        "trade_union",
        [],
        "tuc",
        None,
        "Education union.",
    ),
    (
        "atua",
        "All Trade Unions Alliance",
        "ATUA",
        "other",
        [],
        None,
        None,
        "Rank-and-file trade union campaign.",
    ),
    (
        "left-unity",
        "Left Unity",
        "",
        "party",
        [],
        "pcs",
        None,
        "Left faction within PCS, in 2005 led by members of the Socialist Party.",
    ),
    (
        "socialist-caucus",
        "Socialist Caucus",
        "",
        "party",
        [],
        "pcs",
        None,
        "Left faction within PCS; it launched Mark Serwotka's challenge for general secretary.",
    ),
    (
        "unity-faction",
        "Unity",
        "",
        "party",
        ["'Unity' faction"],
        "pcs",
        None,
        "Faction within PCS, in alliance with the Socialist Party in 2005.",
    ),
    (
        "socialist-party",
        "Socialist Party",
        "SP",
        "party",
        [],
        None,
        None,
        "Trotskyist party in England and Wales.",
    ),
    ("socialist-workers-party", "Socialist Workers Party", "SWP", "party", [], None, None, ""),
    ("labour-party", "Labour Party", "", "party", ["Labour"], None, None, ""),
    (
        "liberal-democrats",
        "Liberal Democrats",
        "",
        "party",
        ["Liberal Democrat", "Lib Dems"],
        None,
        None,
        "",
    ),
    (
        "cabinet-office",
        "Cabinet Office",
        "",
        "government",
        [],
        None,
        None,
        "Government department responsible for the civil service.",
    ),
    (
        "hm-treasury",
        "HM Treasury",
        "",
        "government",
        ["Treasury"],
        None,
        None,
        "The government's economic and finance ministry.",
    ),
    (
        "hmrc",
        "HM Revenue and Customs",
        "HMRC",
        "government",
        ["HM Revenue & Customs"],
        None,
        None,
        "The UK's tax authority.",
    ),
    ("home-office", "Home Office", "", "government", [], None, None, ""),
    (
        "uk-border-agency",
        "UK Border Agency",
        "",
        "government",
        ["Border Agency"],
        "home-office",
        None,
        "",
    ),
    (
        "dwp",
        "Department for Work and Pensions",
        "DWP",
        "government",
        ["department for work and pensions"],
        None,
        None,
        "",
    ),
    (
        "liverpool-city-council",
        "Liverpool City Council",
        "",
        "government",
        ["Liverpool city council"],
        None,
        None,
        "",
    ),
    ("comres", "ComRes", "", "other", [], None, None, "Polling company."),
    ("the-guardian", "The Guardian", "", "publication", ["guardian.co.uk"], None, None, ""),
    ("the-independent", "The Independent", "", "publication", ["Indy"], None, None, ""),
    ("bbc", "BBC", "", "publication", ["BBC Radio 4"], None, None, ""),
    ("sky-news", "Sky News", "", "publication", [], None, None, ""),
    ("itv-news", "ITV News", "", "publication", ["ITV"], None, None, ""),
    (
        "britannia-radio",
        "Britannia Radio",
        "",
        "publication",
        [],
        None,
        None,
        "Blog that reposted news reports.",
    ),
]

# --- People: (slug, name, aliases, description, [(organisation, title), ...])
PEOPLE = [
    (
        "mark-serwotka",
        "Mark Serwotka",
        ["Mr Serwotka", "Serwotka"],
        "General secretary of the Public and Commercial Services Union.",
        [("pcs", "general secretary"), ("socialist-caucus", "member")],
    ),
    (
        "kay-carberry",
        "Kay Carberry",
        [],
        "Assistant general secretary of the TUC.",
        [("tuc", "assistant general secretary")],
    ),
    (
        "francis-maude",
        "Francis Maude",
        [],
        "Minister for the Cabinet Office.",
        [("cabinet-office", "Minister for the Cabinet Office")],
    ),
    (
        "danny-alexander",
        "Danny Alexander",
        [],
        "Liberal Democrat politician; Chief Secretary to the Treasury.",
        [("hm-treasury", "Chief Secretary to the Treasury"), ("liberal-democrats", "member")],
    ),
    (
        "brendan-barber",
        "Brendan Barber",
        ["Mr Barber"],
        "General secretary of the TUC.",
        [("tuc", "general secretary")],
    ),
    (
        "dave-prentis",
        "Dave Prentis",
        [],
        "General secretary of Unison.",
        [("unison", "general secretary")],
    ),
    ("ed-miliband", "Ed Miliband", [], "Leader of the Labour Party.", [("labour-party", "leader")]),
    (
        "dave-wiltshire",
        "Dave Wiltshire",
        [],
        "National secretary of the All Trade Unions Alliance.",
        [("atua", "national secretary")],
    ),
    (
        "tony-reay",
        "Tony Reay",
        [],
        "London regional secretary of PCS.",
        [("pcs", "London regional secretary"), ("socialist-caucus", "supporter")],
    ),
]

# --- Events: (slug, name, kind, start, end, location, organisations, description)
EVENTS = [
    (
        "union-leaders-meeting-on-coordinated-action-2011",
        "Union leaders meet on co-ordinated action",
        "meeting",
        dt.date(2011, 1, 28),
        None,
        "London",
        ["tuc", "pcs", "gmb", "atl"],
        "Union leaders meet to co-ordinate their response to the government's spending cuts and "
        "to explore co-ordinated strikes.",
    ),
    (
        "manchester-rally-against-cuts-2011",
        "Manchester rally against cuts",
        "march",
        dt.date(2011, 1, 29),
        None,
        "Manchester",
        ["tuc"],
        "Rally against job losses and higher tuition fees, addressed by the TUC's Kay Carberry.",
    ),
    (
        "march-for-the-alternative-2011",
        "TUC March for the Alternative",
        "march",
        dt.date(2011, 3, 26),
        None,
        "London",
        ["tuc"],
        "The TUC's national march and rally in London against the spending cuts.",
    ),
    (
        "public-sector-pensions-strike-2011",
        "Public-sector pensions strike",
        "strike",
        dt.date(2011, 11, 30),
        None,
        "United Kingdom",
        ["tuc", "unison", "pcs", "unite", "gmb", "atl"],
        "Mass strike of public-sector workers over changes to their pensions.",
    ),
    (
        "pcs-budget-day-strike-2013",
        "PCS Budget-day strike",
        "strike",
        dt.date(2013, 3, 20),
        None,
        "United Kingdom",
        ["pcs"],
        "PCS civil servants, Border Agency staff and driving test examiners strike on the day of "
        "the Budget, opening a three-month campaign over pay, jobs and conditions.",
    ),
    (
        "hmrc-half-day-strike-2013",
        "HMRC half-day strike",
        "strike",
        dt.date(2013, 4, 8),
        None,
        "United Kingdom",
        ["pcs", "hmrc"],
        "Up to 55,000 PCS members at HMRC call centres and enquiry centres strike for half a day "
        "at the start of the new tax year.",
    ),
    (
        "tuc-general-strike-discussion-2013",
        "TUC meeting on a general strike",
        "meeting",
        dt.date(2013, 4, 24),
        None,
        "London",
        ["tuc", "unite"],
        "TUC meeting to discuss Unite's call for a 24-hour general strike.",
    ),
]

# --- Articles, by seed file prefix.
ARTICLES = [
    {
        "seed": "000_",
        "format": "html",
        "slug": "unions-discuss-mass-strikes-in-protest-at-spending-cuts",
        "title": "Unions discuss mass strikes in protest at spending cuts",
        "standfirst": "TUC announces major London rally on 26 March to highlight damage caused "
        "to public services",
        "byline": "",
        "source": "The Guardian",
        "url": "http://www.guardian.co.uk/society/2011/jan/28/unions-mass-strikes-spending-cuts",
        "date": (dt.date(2011, 1, 28), "day"),
        "organisations": [
            "tuc",
            "pcs",
            "gmb",
            "atl",
            "cabinet-office",
            "liverpool-city-council",
            "the-guardian",
            "bbc",
        ],
        "people": ["mark-serwotka", "kay-carberry", "francis-maude"],
        "events": [
            "union-leaders-meeting-on-coordinated-action-2011",
            "manchester-rally-against-cuts-2011",
            "march-for-the-alternative-2011",
        ],
    },
    {
        "seed": "001_",
        "format": "text",
        "slug": "pcs-in-talks-on-general-strike-over-spending-cuts",
        # The transcript has no headline or summary: both are the editors'.
        "title": "PCS in talks with other unions on a general strike over spending cuts",
        "title_supplied": True,
        "standfirst": "Mark Serwotka confirms talks with other unions as PCS members at HMRC "
        "prepare a half-day strike.",
        "standfirst_supplied": True,
        "byline": "",
        "source": "Britannia Radio",
        "url": "",
        "date": (dt.date(2013, 4, 7), "day"),
        "organisations": [
            "pcs",
            "tuc",
            "unite",
            "hmrc",
            "home-office",
            "uk-border-agency",
            "sky-news",
            "bbc",
            "britannia-radio",
        ],
        "people": ["mark-serwotka"],
        "events": [
            "pcs-budget-day-strike-2013",
            "hmrc-half-day-strike-2013",
            "tuc-general-strike-discussion-2013",
        ],
    },
    {
        "seed": "002_",
        "format": "text",
        "slug": "no-lead-from-socialist-party",
        "title": "No lead from Socialist Party",  # the source's headline
        "standfirst": "London PCSU members vote for strike action over job cuts at the DWP, while "
        "the Socialist Party-led leadership holds back from a ballot.",
        "standfirst_supplied": True,
        "byline": "Tony Reay",
        "source": "",
        "url": "",
        "date": (dt.date(2005, 1, 1), "year"),
        "organisations": [
            "pcs",
            "dwp",
            "socialist-party",
            "left-unity",
            "unity-faction",
            "socialist-workers-party",
            "socialist-caucus",
            "cpsa",
        ],
        "people": ["mark-serwotka", "tony-reay"],
        "events": [],
    },
    {
        "seed": "003_",
        "format": "text",
        "slug": "danny-alexander-appeals-over-heads-of-unions-before-pensions-strike",
        # No headline or summary in the source: both are the editors'.
        "title": "Danny Alexander appeals to public servants over the heads of the unions "
        "before the 30 November strike",
        "title_supplied": True,
        "standfirst": "The Treasury's Danny Alexander urges workers not to join the pensions "
        "strike; the ATUA's Dave Wiltshire calls for a general strike.",
        "standfirst_supplied": True,
        "byline": "",
        "source": "",
        "url": "",
        "date": (dt.date(2011, 11, 1), "month"),
        "organisations": ["liberal-democrats", "hm-treasury", "atua", "tuc"],
        "people": ["danny-alexander", "dave-wiltshire"],
        "events": ["public-sector-pensions-strike-2011"],
    },
    {
        "seed": "004_",
        "format": "text",
        "slug": "ministers-and-unions-to-kiss-and-make-up-next-week",
        "title": "Ministers and unions to kiss and make up next week",
        # The source's sub-headline stays the opening of the text, as the importer finds it.
        "standfirst": "",
        "byline": "",
        "source": "The Independent",
        "url": "",
        "date": (dt.date(2011, 12, 1), "month"),
        "organisations": [
            "unison",
            "tuc",
            "hm-treasury",
            "cabinet-office",
            "labour-party",
            "comres",
            "itv-news",
            "the-independent",
        ],
        "people": [
            "danny-alexander",
            "francis-maude",
            "brendan-barber",
            "dave-prentis",
            "ed-miliband",
        ],
        "events": ["public-sector-pensions-strike-2011"],
    },
]


def build(seeds: Path) -> str:
    from django.core import serializers
    from django.core.management import call_command

    from archive import editorial, sanitize
    from archive.models import Article, Event, Organisation, Person, Role

    call_command("migrate", verbosity=0, interactive=False)

    orgs = {}
    for slug, name, abbr, kind, aliases, _parent, _pred, description in ORGANISATIONS:
        orgs[slug] = Organisation.objects.create(
            slug=slug,
            name=name,
            abbreviation=abbr,
            kind=kind,
            aliases="\n".join(aliases),
            description=description,
        )
    for slug, *_rest, parent, predecessor, _description in ORGANISATIONS:
        org = orgs[slug]
        org.parent = orgs[parent] if parent else None
        org.predecessor = orgs[predecessor] if predecessor else None
        org.save()

    people = {}
    for slug, name, aliases, description, roles in PEOPLE:
        person = Person.objects.create(
            slug=slug, name=name, aliases="\n".join(aliases), description=description
        )
        for org_slug, title in roles:
            Role.objects.create(person=person, organisation=orgs[org_slug], title=title)
        people[slug] = person

    events = {}
    for slug, name, kind, start, end, location, org_slugs, description in EVENTS:
        event = Event.objects.create(
            slug=slug,
            name=name,
            kind=kind,
            start_date=start,
            end_date=end,
            location=location,
            description=description,
        )
        event.organisations.set([orgs[s] for s in org_slugs])
        events[slug] = event

    for spec in ARTICLES:
        (path,) = seeds.glob(spec["seed"] + "*")
        raw = path.read_bytes()
        date, precision = spec["date"]
        # The editorial rule the importer applies where text enters: a headline or standfirst
        # the source repeats at the top of its text is shown once.
        whole = sanitize.sanitize(raw.decode("utf-8"), spec["format"]).body_html
        body = editorial.shown_once(whole, spec["title"], spec["standfirst"])
        article = Article(
            slug=spec["slug"],
            title=spec["title"],
            title_supplied=spec.get("title_supplied", False),
            standfirst=spec["standfirst"],
            standfirst_supplied=spec.get("standfirst_supplied", False),
            byline=spec["byline"],
            source=spec["source"],
            url=spec["url"],
            published_date=date,
            date_precision=precision,
            body_html=body,
            original=raw.decode("utf-8"),
            original_format=spec["format"],
            original_encoding="utf-8",
            original_filename=path.name,
            status=Article.Status.PUBLISHED,
        )
        article.save()
        assert article.original.encode("utf-8") == raw, path  # noqa: S101 - kept byte for byte
        article.organisations.set([orgs[s] for s in spec["organisations"]])
        article.people.set([people[s] for s in spec["people"]])
        article.events.set([events[s] for s in spec["events"]])

    # The demo is each record's first version, however many saves building it took.
    for model in (Organisation, Person, Role, Event, Article):
        model.objects.update(version=1)
    objects = [
        *Organisation.objects.order_by("id"),
        *Person.objects.order_by("id"),
        *Role.objects.order_by("id"),
        *Event.objects.order_by("id"),
        *Article.objects.order_by("id"),
    ]
    return serializers.serialize(
        "json",
        objects,
        indent=2,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )


def main() -> None:
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SEEDS
    if not seeds.is_dir():
        sys.exit(f"No seeds folder at {seeds}")
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/build.sqlite3"
        os.environ.setdefault("DJANGO_SECRET_KEY", "build-demo-fixtures")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
        import django

        django.setup()
        text = build(seeds)
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
