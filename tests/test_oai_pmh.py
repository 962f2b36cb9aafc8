"""OAI-PMH 2.0 at /oai/: every verb, resumption tokens, date ranges, sets, the protocol's error
codes, and withdrawn articles as deleted records (drafts never), read back with lxml."""

import datetime as dt

import pytest
from django.utils import timezone
from lxml import etree

from archive import oai
from archive.models import Article
from tests.conftest import make_article

NS = {"o": oai.OAI_NS, "dc": oai.DC_NS, "oai_dc": oai.OAI_DC_NS}


def _get(client, **args):
    response = client.get("/oai/", args)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


def _error(tree):
    codes = tree.xpath("//o:error/@code", namespaces=NS)
    return codes[0] if codes else None


def _ident(article):
    return f"oai:testserver:{article.pk}"


@pytest.fixture
def corpus(published_article, draft_article, pcs):
    others = [
        make_article(title=f"Report {n}", slug=f"report-{n}", organisations=[pcs] if n % 2 else [])
        for n in range(5)
    ]
    return [published_article, *others]


def test_identify_describes_the_repository(client, corpus):
    tree = _get(client, verb="Identify")
    assert tree.xpath("//o:Identify/o:protocolVersion/text()", namespaces=NS) == ["2.0"]
    assert tree.xpath("//o:Identify/o:baseURL/text()", namespaces=NS) == ["http://testserver/oai/"]
    assert tree.xpath("//o:granularity/text()", namespaces=NS) == ["YYYY-MM-DDThh:mm:ssZ"]
    assert tree.xpath("//o:deletedRecord/text()", namespaces=NS) == ["transient"]
    assert tree.xpath("//o:request/@verb", namespaces=NS) == ["Identify"]


def test_list_metadata_formats_and_sets(client, corpus, tuc):
    tree = _get(client, verb="ListMetadataFormats")
    assert tree.xpath("//o:metadataPrefix/text()", namespaces=NS) == ["oai_dc"]
    sets = _get(client, verb="ListSets")
    assert sets.xpath("//o:setSpec/text()", namespaces=NS) == ["union:pcs", "union:tuc"]


def test_get_record_gives_dublin_core_from_the_database(client, corpus):
    article = corpus[0]
    tree = _get(client, verb="GetRecord", identifier=_ident(article), metadataPrefix="oai_dc")
    dc = tree.xpath("//oai_dc:dc", namespaces=NS)[0]
    assert dc.xpath("dc:title/text()", namespaces=NS) == [article.title]
    assert dc.xpath("dc:date/text()", namespaces=NS) == ["2011-11-30"]
    assert dc.xpath("dc:publisher/text()", namespaces=NS) == ["The Guardian"]
    assert "Mark Serwotka" in dc.xpath("dc:subject/text()", namespaces=NS)
    assert f"http://testserver/a/{article.pk}/" in dc.xpath("dc:identifier/text()", namespaces=NS)
    assert sorted(tree.xpath("//o:header/o:setSpec/text()", namespaces=NS)) == [
        "union:pcs",
        "union:tuc",
    ]


def test_list_records_pages_with_resumption_tokens_through_everything(client, corpus, monkeypatch):
    monkeypatch.setattr(oai, "OAI_PAGE_SIZE", 2)
    seen, tokens = [], 0
    args = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    while True:
        tree = _get(client, **args)
        assert _error(tree) is None
        seen += tree.xpath("//o:header/o:identifier/text()", namespaces=NS)
        token = tree.xpath("//o:resumptionToken", namespaces=NS)
        if not token or not token[0].text:
            break
        assert token[0].get("completeListSize") == "6"
        tokens += 1
        args = {"verb": "ListRecords", "resumptionToken": token[0].text}
    published = Article.objects.published()
    assert sorted(seen) == sorted(_ident(a) for a in published)
    assert len(seen) == len(set(seen))
    assert tokens == 2


def test_list_identifiers_by_set_and_date_range(client, corpus):
    pcs_articles = Article.objects.published().filter(organisations__slug="pcs")
    tree = _get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="union:pcs")
    ids = tree.xpath("//o:header/o:identifier/text()", namespaces=NS)
    assert sorted(ids) == sorted(_ident(a) for a in pcs_articles)
    assert not tree.xpath("//o:metadata", namespaces=NS)

    old = corpus[1]
    Article.objects.filter(pk=old.pk).update(
        updated_at=dt.datetime(2001, 1, 1, 12, 0, tzinfo=dt.UTC)
    )
    tree = _get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2001-01-01")
    assert tree.xpath("//o:header/o:identifier/text()", namespaces=NS) == [_ident(old)]
    tree = _get(
        client,
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        **{"from": "2001-01-01T12:00:01Z", "until": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    ids = tree.xpath("//o:header/o:identifier/text()", namespaces=NS)
    assert _ident(old) not in ids and len(ids) == 5


def test_withdrawn_articles_are_deleted_records_and_drafts_are_never_seen(
    client, corpus, draft_article
):
    withdrawn = corpus[1]
    withdrawn.status = Article.Status.DRAFT
    withdrawn.save()
    tree = _get(client, verb="ListRecords", metadataPrefix="oai_dc")
    deleted = tree.xpath("//o:header[@status='deleted']/o:identifier/text()", namespaces=NS)
    assert deleted == [_ident(withdrawn)]
    assert withdrawn.title.encode() not in etree.tostring(tree)
    all_ids = tree.xpath("//o:header/o:identifier/text()", namespaces=NS)
    assert _ident(draft_article) not in all_ids
    record = _get(client, verb="GetRecord", identifier=_ident(withdrawn), metadataPrefix="oai_dc")
    assert record.xpath("//o:header/@status", namespaces=NS) == ["deleted"]
    draft = _get(
        client, verb="GetRecord", identifier=_ident(draft_article), metadataPrefix="oai_dc"
    )
    assert _error(draft) == "idDoesNotExist"


def test_the_admins_withdraw_action_makes_a_deleted_record(admin_client, corpus):
    article = corpus[2]
    admin_client.post(
        "/admin/archive/article/",
        {"action": "withdraw", "_selected_action": [article.pk]},
    )
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    tree = _get(admin_client, verb="GetRecord", identifier=_ident(article), metadataPrefix="oai_dc")
    assert tree.xpath("//o:header/@status", namespaces=NS) == ["deleted"]


@pytest.mark.parametrize(
    "args,code",
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2020-01-01",
                "until": "2020-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x:1"},
            "idDoesNotExist",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "union:nobody"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"},
            "noRecordsMatch",
        ),
    ],
)
def test_protocol_errors(client, corpus, args, code):
    tree = _get(client, **args)
    assert _error(tree) == code
    if code in ("badVerb", "badArgument"):
        assert tree.xpath("//o:request/@*", namespaces=NS) == []


def test_list_sets_without_unions_says_there_are_no_sets(client, db):
    assert _error(_get(client, verb="ListSets")) == "noSetHierarchy"


def test_repeated_argument_is_bad_and_post_works(client, corpus):
    response = client.get("/oai/?verb=Identify&verb=Identify")
    assert _error(etree.fromstring(response.content)) == "badArgument"
    posted = client.post("/oai/", {"verb": "Identify"})
    assert etree.fromstring(posted.content).xpath("//o:Identify", namespaces=NS)
