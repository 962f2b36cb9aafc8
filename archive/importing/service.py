"""Import files as articles: the one function the import command and the admin page call."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from archive import counts
from archive.importing import urls
from archive.importing.decoding import Decoded, decode, detect_format
from archive.importing.extract import Extracted, extract
from archive.importing.linking import EntityMatcher, Links
from archive.importing.outcomes import FileOutcome, ImportReport, Outcome, Refused
from archive.importing.sources import Source, collect_sources
from archive.models import Article

logger = logging.getLogger(__name__)

COMMAND_LINE = "command line"
SLUG_LENGTH = Article._meta.get_field("slug").max_length
FILENAME_LENGTH = Article._meta.get_field("original_filename").max_length
SLUG_BATCH = 10


@dataclass
class _Run:
    """What one run knows across its files."""

    publish: bool
    dry_run: bool
    imported_by: str
    max_bytes: int
    matcher: EntityMatcher
    # Checksums and URLs of this run's imported files, for duplicates a dry run never wrote.
    seen: dict[tuple[str, str], FileOutcome] = field(default_factory=dict)
    # Slugs given in this run, so a dry run reports the slugs a real one would give.
    slugs: set[str] = field(default_factory=set)


def import_files(
    items: Iterable[Source | str | os.PathLike | UploadedFile],
    *,
    publish: bool = False,
    dry_run: bool = False,
    imported_by: str = COMMAND_LINE,
    max_bytes: int | None = None,
    on_outcome: Callable[[FileOutcome], None] | None = None,
) -> ImportReport:
    """Import files, folders (recursively) or uploads as articles, one transaction per file.

    Each good file becomes an article (a draft unless `publish`) linked to the organisations,
    people and events it names; a file with the bytes or the canonical URL of an existing
    article is a duplicate; a bad one is refused with a reason, and the run goes on. With
    `dry_run` every file's transaction is rolled back: the report is what a real run would do.
    `on_outcome` is called after each file (for a progress bar).
    """
    run = _Run(
        publish=publish,
        dry_run=dry_run,
        imported_by=imported_by,
        max_bytes=settings.ARCHIVE_MAX_ORIGINAL_BYTES if max_bytes is None else max_bytes,
        matcher=EntityMatcher.from_archive(),
    )
    report = ImportReport(dry_run=dry_run)
    for source in collect_sources(items):
        outcome = _import_one(source, run)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return report


def _import_one(source: Source, run: _Run) -> FileOutcome:
    encoding = fmt = ""
    try:
        raw = source.read(run.max_bytes)
        checksum = hashlib.sha256(raw).hexdigest()
        duplicate = _duplicate(source, run, "original_checksum", checksum)
        if duplicate:
            return duplicate
        decoded = decode(raw)
        encoding = decoded.encoding
        if not decoded.text.strip():
            raise Refused("empty file")
        fmt = detect_format(source.name, decoded.text)
        # The file's bytes are within the limit; its text may take up to four bytes a byte.
        extracted = extract(decoded.text, fmt, max_bytes=4 * run.max_bytes)
        duplicate = _duplicate(source, run, "url", extracted.url)
        if duplicate:
            return duplicate
        return _save(source, run, decoded, fmt, checksum, extracted)
    except Refused as refusal:
        return FileOutcome(
            source.label, Outcome.REFUSED, reason=str(refusal), encoding=encoding, format=fmt
        )
    except Exception as error:  # one file's failure must not stop the run
        logger.exception("Importing %s failed", source.label)
        detail = " ".join(f"{type(error).__name__}: {error}".split())  # on one line
        return FileOutcome(
            source.label,
            Outcome.REFUSED,
            reason=f"import failed, nothing written ({detail})",
            encoding=encoding,
            format=fmt,
        )


def _duplicate(source: Source, run: _Run, field_name: str, value: str) -> FileOutcome | None:
    """A duplicate outcome if this run or the archive already has an article with this value."""
    if not value:
        return None
    same = "the same bytes" if field_name == "original_checksum" else "the same URL"
    earlier = run.seen.get(_seen_key(field_name, value))
    if earlier is not None:
        found = {"id": earlier.article_id, "slug": earlier.slug, "title": earlier.title}
        where = f"{earlier.path}, earlier in this run"
    else:
        candidates = urls.variants(value) if field_name == "url" else [value]
        found = (
            Article.objects.filter(**{f"{field_name}__in": candidates})
            .values("id", "slug", "title")
            .first()
        )
        if found is None:
            return None
        where = f"article {found['id']}"
    return FileOutcome(
        source.label,
        Outcome.DUPLICATE,
        reason=f"{same} as “{found['title']}” ({where})",
        article_id=found["id"],
        slug=found["slug"],
        title=found["title"],
    )


def _save(
    source: Source, run: _Run, decoded: Decoded, fmt: str, checksum: str, extracted: Extracted
) -> FileOutcome:
    """Write the article and its links in one transaction (rolled back in a dry run)."""
    published = extracted.published
    with transaction.atomic():
        article = Article(
            title=extracted.title,
            standfirst=extracted.standfirst,
            slug=_unique_slug(extracted.title, run.slugs),
            byline=extracted.byline,
            source=extracted.source,
            url=extracted.url,
            published_date=published.date if published else None,
            date_precision=published.precision if published else Article.Precision.DAY,
            original=decoded.text,
            original_format=fmt,
            original_checksum=checksum,
            original_encoding=decoded.encoding,
            original_filename=source.name[:FILENAME_LENGTH],
            imported_at=timezone.now(),
            imported_by=run.imported_by,
            needs_review=extracted.title_guessed,
            status=Article.Status.PUBLISHED if run.publish else Article.Status.DRAFT,
        )
        article.use_clean_body(extracted.body_html)  # made by the sanitiser in extract()
        article.save()
        links = run.matcher.find(f"{article.title}\n\n{article.body_text}")
        _link_entities(article, links)
        if run.dry_run:
            transaction.set_rollback(True)
    outcome = FileOutcome(
        source.label,
        Outcome.IMPORTED,
        encoding=decoded.encoding,
        format=fmt,
        article_id=None if run.dry_run else article.pk,
        slug=article.slug,
        title=article.title,
        needs_review=article.needs_review,
        date=published.iso if published else "",
        date_precision=published.precision if published else "",
        byline=article.byline,
        source=article.source,
        url=article.url,
        organisations=[org.name for org in links.organisations],
        people=[person.name for person in links.people],
        events=[event.name for event in links.events],
    )
    run.slugs.add(article.slug)
    run.seen[_seen_key("original_checksum", checksum)] = outcome
    if article.url:
        run.seen[_seen_key("url", article.url)] = outcome
    return outcome


def _seen_key(field_name: str, value: str) -> tuple[str, str]:
    """How this run remembers a file: its checksum, or its URL whatever the scheme."""
    if field_name == "url":
        value = urls.canonical(value).split("://", 1)[-1]
    return (field_name, value)


def _link_entities(article: Article, links: Links) -> None:
    """Link a new article: one insert per kind of link, and the facet counts renewed after."""
    for relation, entities in (
        ("organisations", links.organisations),
        ("people", links.people),
        ("events", links.events),
    ):
        if entities:
            field = Article._meta.get_field(relation)
            through = field.remote_field.through
            target = field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(article=article, **{target: entity}) for entity in entities
            )
    counts.invalidate()  # in this file's transaction: readers see the new counts when it commits


def _unique_slug(title: str, taken_in_run: set[str]) -> str:
    """A slug from the title that no article (nor an earlier file of this run) has.

    The title's slug, else the slug with -2, -3...: each batch of candidates is one indexed
    query (a LIKE over the slugs would read them all, for every file).
    """
    base = slugify(title)[:SLUG_LENGTH].strip("-") or "article"
    first = 1
    while True:
        candidates = [_numbered(base, number) for number in range(first, first + SLUG_BATCH)]
        taken = taken_in_run | set(
            Article.objects.filter(slug__in=candidates).values_list("slug", flat=True)
        )
        free = [candidate for candidate in candidates if candidate not in taken]
        if free:
            return free[0]
        first += SLUG_BATCH


def _numbered(base: str, number: int) -> str:
    if number == 1:
        return base
    suffix = f"-{number}"
    return base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
