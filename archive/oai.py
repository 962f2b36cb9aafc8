"""An OAI-PMH 2.0 data provider at /oai/, so harvesters copy the archive incrementally.

- Metadata format: oai_dc (simple Dublin Core) only.
- Sets: one per union or federation, `union:<slug>`.
- Identifiers: `oai:<repository id>:<article id>` (ARCHIVE_OAI_REPOSITORY_ID, by default the
  site's host name); datestamps are the article's last change, to the second, in UTC.
- Harvested: published articles, and withdrawn ones (published once, now drafts) as deleted
  records: header only, never their content. Deleting an article outright is not tracked, so
  the repository declares deletedRecord "transient".
- Lists come a page at a time (OAI_PAGE_SIZE) in (datestamp, id) order, each page read by
  keyset from the resumption token, so a harvest costs the same on its last page as its first.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re

from django.conf import settings
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from archive.models import Article, Organisation
from archive.results import permanent_url, with_links
from archive.xmltext import is_xml_safe, xml_safe

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}

OAI_PAGE_SIZE = 100
SET_PREFIX = "union:"
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent, tag: str, text: str | None = None, ns: str = OAI_NS, **attrs):
    element = etree.SubElement(parent, _q(ns, tag), **attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _datestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def repository_id(request: HttpRequest) -> str:
    return settings.ARCHIVE_OAI_REPOSITORY_ID or request.get_host().split(":")[0]


def identifier(article: Article, request: HttpRequest) -> str:
    return f"oai:{repository_id(request)}:{article.pk}"


def _article_id(raw: str, request: HttpRequest) -> int:
    prefix = f"oai:{repository_id(request)}:"
    if raw.startswith(prefix) and raw[len(prefix) :].isdigit():
        return int(raw[len(prefix) :])
    raise OAIError("idDoesNotExist", f"No record has the identifier “{raw[:100]}”.")


def _parse_date(raw: str, *, until: bool) -> tuple[dt.datetime, str]:
    """An OAI date argument as an aware UTC bound (until: the end of its day or second)."""
    try:
        if _DAY.match(raw):
            day = dt.date.fromisoformat(raw)
            start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            return (start + dt.timedelta(days=1) if until else start), "day"
        if _SECOND.match(raw):
            moment = dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return (moment + dt.timedelta(seconds=1) if until else moment), "second"
    except ValueError:
        pass
    name = "until" if until else "from"
    raise OAIError("badArgument", f"“{raw[:40]}” is not a {name} date (YYYY-MM-DD[Thh:mm:ssZ]).")


def _encode_token(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


MAX_ID = 2**63 - 1  # the largest id a database integer holds


def _check_state(data) -> None:
    """Raise ValueError unless `data` is a list's state as `_list` writes it."""
    if not isinstance(data, dict) or data.get("p") not in FORMATS:
        raise ValueError
    if not isinstance(data.get("n"), int) or not 0 <= data["n"] <= MAX_ID:
        raise ValueError
    for name in ("from", "until", "set"):
        if name in data and not isinstance(data[name], str):
            raise ValueError
    for name in ("from", "until"):
        if name in data:
            dt.datetime.fromisoformat(data[name])
    if "after" in data:
        after = data["after"]
        if not (isinstance(after, list) and len(after) == 2 and isinstance(after[0], str)):
            raise ValueError
        if not isinstance(after[1], int) or not 0 <= after[1] <= MAX_ID:
            raise ValueError
        dt.datetime.fromisoformat(after[0])


def _decode_token(raw: str) -> dict:
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()).decode())
        _check_state(data)
        return data
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise OAIError("badResumptionToken", "The resumption token is not valid.") from None


class Provider:
    def __init__(self, request: HttpRequest, args: dict[str, str]):
        self.request = request
        self.args = args
        self.root = etree.Element(
            _q(OAI_NS, "OAI-PMH"),
            nsmap={None: OAI_NS, "xsi": XSI_NS},
        )
        self.root.set(_q(XSI_NS, "schemaLocation"), f"{OAI_NS} {OAI_SCHEMA}")
        _sub(self.root, "responseDate", _datestamp(timezone.now()))
        self.request_element = _sub(self.root, "request", self.base_url)

    @property
    def base_url(self) -> str:
        return self.request.build_absolute_uri(self.request.path)

    def render(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")

    def error(self, error: OAIError, *, echo_arguments: bool) -> None:
        self.request_element.attrib.clear()
        if echo_arguments:
            for name, value in self.args.items():
                self.request_element.set(name, value)
        _sub(self.root, "error", error.message, code=error.code)

    def respond(self) -> None:
        verb = self.args.get("verb")
        if verb not in VERBS:
            raise OAIError("badVerb", "Give verb=Identify, ListRecords or another OAI-PMH verb.")
        required, optional = VERBS[verb]
        given = set(self.args) - {"verb"}
        if "resumptionToken" in given and given != {"resumptionToken"}:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument.")
        if "resumptionToken" not in given and required - given:
            missing = ", ".join(sorted(required - given))
            raise OAIError("badArgument", f"{verb} needs {missing}.")
        unknown = given - required - optional
        if unknown:
            raise OAIError("badArgument", f"{verb} takes no {', '.join(sorted(unknown))}.")
        for name, value in self.args.items():
            self.request_element.set(name, value)
        getattr(self, verb)(_sub(self.root, verb))

    # -- verbs -----------------------------------------------------------------------------

    def Identify(self, element) -> None:  # noqa: N802 - OAI-PMH's verb names
        earliest = Article.objects.harvestable().aggregate(m=Min("updated_at"))["m"]
        _sub(element, "repositoryName", settings.ARCHIVE_OAI_REPOSITORY_NAME)
        _sub(element, "baseURL", self.base_url)
        _sub(element, "protocolVersion", "2.0")
        _sub(element, "adminEmail", settings.ARCHIVE_OAI_ADMIN_EMAIL)
        _sub(
            element,
            "earliestDatestamp",
            _datestamp(earliest) if earliest else "1970-01-01T00:00:00Z",
        )
        _sub(element, "deletedRecord", "transient")
        _sub(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")

    def ListMetadataFormats(self, element) -> None:  # noqa: N802
        if "identifier" in self.args:
            self._article(self.args["identifier"])
        for prefix, (schema, namespace) in FORMATS.items():
            fmt = _sub(element, "metadataFormat")
            _sub(fmt, "metadataPrefix", prefix)
            _sub(fmt, "schema", schema)
            _sub(fmt, "metadataNamespace", namespace)

    def ListSets(self, element) -> None:  # noqa: N802
        if "resumptionToken" in self.args:
            raise OAIError("badResumptionToken", "ListSets is given whole; it has no tokens.")
        unions = list(
            Organisation.objects.public().filter(kind__in=Organisation.UNION_KINDS).order_by("slug")
        )
        if not unions:
            raise OAIError("noSetHierarchy", "There are no unions yet, so no sets.")
        for union in unions:
            item = _sub(element, "set")
            _sub(item, "setSpec", f"{SET_PREFIX}{union.slug}")
            _sub(item, "setName", str(union))

    def GetRecord(self, element) -> None:  # noqa: N802
        self._format(self.args["metadataPrefix"])
        article = self._article(self.args["identifier"])
        self._record(element, article, with_metadata=True)

    def ListIdentifiers(self, element) -> None:  # noqa: N802
        self._list(element, with_metadata=False)

    def ListRecords(self, element) -> None:  # noqa: N802
        self._list(element, with_metadata=True)

    # -- helpers ---------------------------------------------------------------------------

    def _format(self, prefix: str) -> None:
        if prefix not in FORMATS:
            raise OAIError(
                "cannotDisseminateFormat", f"Records are given as oai_dc, not “{prefix[:40]}”."
            )

    def _article(self, raw_identifier: str) -> Article:
        pk = _article_id(raw_identifier, self.request)
        article = with_links(Article.objects.harvestable()).filter(pk=pk).first()
        if article is None:
            raise OAIError("idDoesNotExist", f"No record has the identifier “{raw_identifier}”.")
        return article

    def _list(self, element, *, with_metadata: bool) -> None:
        if "resumptionToken" in self.args:
            state = _decode_token(self.args["resumptionToken"])
        else:
            self._format(self.args["metadataPrefix"])
            state = {"p": self.args["metadataPrefix"], "n": 0}
            bounds = {}
            for name in ("from", "until"):
                if name in self.args:
                    bounds[name] = _parse_date(self.args[name], until=name == "until")
                    state[name] = bounds[name][0].isoformat()
            if len({g for _, g in bounds.values()}) > 1:
                raise OAIError("badArgument", "from and until must have the same granularity.")
            if "from" in bounds and "until" in bounds and bounds["from"][0] >= bounds["until"][0]:
                raise OAIError("badArgument", "until is before from.")
            if "set" in self.args:
                state["set"] = self.args["set"]
        try:
            records = self._selection(state)
            offset = int(state["n"])
        except (KeyError, TypeError, ValueError):
            raise OAIError("badResumptionToken", "The resumption token is not valid.") from None
        total = records.count()
        if "after" in state:
            try:
                stamp = dt.datetime.fromisoformat(state["after"][0])
                pk = int(state["after"][1])
            except (TypeError, ValueError, IndexError):
                raise OAIError("badResumptionToken", "The resumption token is not valid.") from None
            records = records.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, pk__gt=pk))
        page = list(with_links(records.order_by("updated_at", "id"))[: OAI_PAGE_SIZE + 1])
        if not page:
            if "resumptionToken" in self.args:
                raise OAIError("badResumptionToken", "The resumption token has expired.")
            raise OAIError("noRecordsMatch", "No records match these arguments.")
        more = len(page) > OAI_PAGE_SIZE
        page = page[:OAI_PAGE_SIZE]
        for article in page:
            self._record(element, article, with_metadata=with_metadata)
        if more or "resumptionToken" in self.args:
            token = _sub(
                element,
                "resumptionToken",
                completeListSize=str(total),
                cursor=str(offset),
            )
            if more:
                last = page[-1]
                token.text = _encode_token(
                    {
                        **state,
                        "n": offset + len(page),
                        "after": [last.updated_at.isoformat(), last.pk],
                    }
                )

    def _selection(self, state: dict):
        records = Article.objects.harvestable()
        if state.get("from"):
            records = records.filter(updated_at__gte=dt.datetime.fromisoformat(state["from"]))
        if state.get("until"):
            records = records.filter(updated_at__lt=dt.datetime.fromisoformat(state["until"]))
        if state.get("set"):
            spec = state["set"]
            slug = spec[len(SET_PREFIX) :] if spec.startswith(SET_PREFIX) else None
            if not slug:
                raise OAIError("noRecordsMatch", f"There is no set “{spec[:60]}”.")
            links = Article.organisations.through.objects.filter(
                organisation__slug=slug, organisation__kind__in=Organisation.UNION_KINDS
            )
            records = records.filter(id__in=links.values("article_id"))
        return records

    def _record(self, parent, article: Article, *, with_metadata: bool) -> None:
        deleted = not article.is_published
        if with_metadata:
            parent = _sub(parent, "record")
        header = _sub(parent, "header", **({"status": "deleted"} if deleted else {}))
        _sub(header, "identifier", identifier(article, self.request))
        _sub(header, "datestamp", _datestamp(article.updated_at))
        for org in article.organisations.all():
            if org.is_union:
                _sub(header, "setSpec", f"{SET_PREFIX}{org.slug}")
        if with_metadata and not deleted:
            self._dublin_core(_sub(parent, "metadata"), article)

    def _dublin_core(self, parent, article: Article) -> None:
        dc = etree.SubElement(parent, _q(OAI_DC_NS, "dc"), nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS})
        dc.set(_q(XSI_NS, "schemaLocation"), f"{OAI_DC_NS} {OAI_DC_SCHEMA}")

        def add(tag: str, value: str) -> None:
            if value:
                _sub(dc, tag, value, ns=DC_NS)

        add("title", article.display_title)  # an editors' title in [square brackets]
        add("creator", article.byline)
        add("publisher", article.source)
        add("date", article.date_iso)
        if not article.standfirst_supplied:  # the source's summary, not the editors'
            add("description", article.standfirst)
        for relation in ("organisations", "people", "events"):
            for obj in getattr(article, relation).all():
                add("subject", obj.name)
        add("type", "Text")
        add("format", "text/html")
        add("language", "en")
        add("identifier", permanent_url(article, self.request))
        add("source", article.url)


def _arguments(request: HttpRequest) -> tuple[dict[str, str], OAIError | None]:
    data = request.POST if request.method == "POST" else request.GET
    args: dict[str, str] = {}
    for name in data:
        values = data.getlist(name)
        if len(values) > 1:
            return {}, OAIError("badArgument", f"{xml_safe(name)} is given more than once.")
        if not (is_xml_safe(name) and is_xml_safe(values[0])):
            return {}, OAIError("badArgument", "An argument has characters XML cannot carry.")
        args[name] = values[0]
    return args, None


@csrf_exempt  # OAI-PMH allows POST; nothing here writes
def endpoint(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    args, problem = _arguments(request)
    provider = Provider(request, args)
    try:
        if problem:
            raise problem
        provider.respond()
    except OAIError as error:
        for child in list(provider.root)[2:]:
            provider.root.remove(child)
        provider.error(error, echo_arguments=error.code not in ("badVerb", "badArgument"))
    response = HttpResponse(provider.render(), content_type="text/xml; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
