"""Downloads of any result set of the article list: CSV, JSON and JSON Lines.

Every row carries every public metadata field, the permanent address, the linked
organisations, people and events (names and slugs), the SHA-256 of the original as received,
and with `?text=1` the clean text. The rows are streamed in chunks (`results.chunks`), so a
download of the whole archive holds one chunk in memory at a time.

Never exported: drafts (the result set is of published articles), who imported an article,
and the editors' review flag.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from archive.models import Article
from archive.results import ResultSet, chunks, links_of, permanent_url

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "jsonl": ("application/x-ndjson", "jsonl"),
}

# The columns of a CSV download, in order; JSON has the same keys, with lists for the links.
FIELDS = (
    "id",
    "slug",
    "permanent_url",
    "title",
    "title_supplied",
    "standfirst",
    "standfirst_supplied",
    "byline",
    "source",
    "published_date",
    "date_precision",
    "original_url",
    "original_format",
    "original_checksum_sha256",
    "original_encoding",
    "original_filename",
    "word_count",
    "imported_at",
    "created_at",
    "updated_at",
    "organisations",
    "people",
    "events",
)
TEXT_FIELD = "text"


def _links(links) -> list[dict[str, str]]:
    return [{"slug": link.slug, "name": link.name} for link in links]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def article_record(article: Article, request: HttpRequest | None, text: bool = False) -> dict:
    """An article as a download row: its links must have been read (`results.read_links`, or
    prefetched with `results.with_links`)."""
    links = links_of(article)
    record = {
        "id": article.pk,
        "slug": article.slug,
        "permanent_url": permanent_url(article, request),
        "title": article.title,
        # True: written by the archive's editors, not printed by the source.
        "title_supplied": article.title_supplied,
        "standfirst": article.standfirst,
        "standfirst_supplied": article.standfirst_supplied,
        "byline": article.byline,
        "source": article.source,
        # At its precision: 2005, 2011-11 or 2011-01-28.
        "published_date": article.date_iso or None,
        "date_precision": article.date_precision,
        "original_url": article.url,
        "original_format": article.original_format,
        "original_checksum_sha256": article.original_checksum,
        "original_encoding": article.original_encoding,
        "original_filename": article.original_filename,
        "word_count": article.word_count,
        "imported_at": _iso(article.imported_at),
        "created_at": _iso(article.created_at),
        "updated_at": _iso(article.updated_at),
        "organisations": _links(links["organisations"]),
        "people": _links(links["people"]),
        "events": _links(links["events"]),
    }
    if text:
        record[TEXT_FIELD] = article.body_text
    return record


def _records(results: ResultSet, request, text: bool) -> Iterator[dict]:
    for chunk in chunks(results):
        for article in chunk:
            yield article_record(article, request, text)


class _Line:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(records: Iterable[dict], text: bool) -> Iterator[str]:
    writer = csv.writer(_Line())
    columns = [*FIELDS, TEXT_FIELD] if text else list(FIELDS)
    # Links as "slug; slug" with a parallel "name; name" column, one cell each.
    header = []
    for column in columns:
        if column in ("organisations", "people", "events"):
            header += [column, f"{column}_names"]
        else:
            header.append(column)
    yield "\ufeff" + writer.writerow(header)  # a BOM, so spreadsheets read UTF-8
    for record in records:
        row = []
        for column in columns:
            value = record.get(column)
            if column in ("organisations", "people", "events"):
                row += ["; ".join(v["slug"] for v in value), "; ".join(v["name"] for v in value)]
            else:
                row.append("" if value is None else value)
        yield writer.writerow(row)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)


def _json(records: Iterable[dict], head: dict) -> Iterator[str]:
    opening = _dumps(head)
    yield opening[:-1] + ', "articles": [\n'
    first = True
    for record in records:
        yield ("" if first else ",\n") + _dumps(record)
        first = False
    yield "\n]}\n"


def _jsonl(records: Iterable[dict]) -> Iterator[str]:
    for record in records:
        yield _dumps(record) + "\n"


def filename(results: ResultSet, extension: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"reading-room-articles-{stamp}.{extension}"


def response(results: ResultSet, request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """The streamed download of `results` in `fmt` (one of FORMATS)."""
    text = request.GET.get("text") in ("1", "true", "yes", "on")
    content_type, extension = FORMATS[fmt]
    records = _records(results, request, text)
    if fmt == "csv":
        body = _csv_rows(records, text)
    elif fmt == "jsonl":
        body = _jsonl(records)
    else:
        head = {
            "title": results.describe(),
            "url": results.list_url(request),
            "count": results.count(),
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "notes": results.notes,
        }
        body = _json(records, head)
    reply = StreamingHttpResponse(body, content_type=content_type)
    reply["Content-Disposition"] = f'attachment; filename="{filename(results, extension)}"'
    reply["X-Result-Count"] = str(results.count())
    reply["Access-Control-Allow-Origin"] = "*"
    return reply
