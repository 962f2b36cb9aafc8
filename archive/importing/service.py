"""Import files as articles: the one function the import command and the admin page call."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from archive import history
from archive.importing import dates, similarity, urls
from archive.importing.decoding import Decoded
from archive.importing.extract import Extracted, without_masthead
from archive.importing.linking import EntityMatcher, Links
from archive.importing.lookups import Lookups
from archive.importing.outcomes import FileOutcome, ImportReport, Outcome, Refused, one_line
from archive.importing.publications import Publications
from archive.importing.reading import Readers, Reading, Texts
from archive.importing.sources import Source, collect_sources
from archive.inserts import Insert
from archive.models import Article, Organisation, SyndicatedCopy

logger = logging.getLogger(__name__)

COMMAND_LINE = "command line"
SLUG_LENGTH = Article._meta.get_field("slug").max_length
FILENAME_LENGTH = Article._meta.get_field("original_filename").max_length
SOURCE_LENGTH = Article._meta.get_field("source").max_length
DATE_INFERRED_LENGTH = Article._meta.get_field("date_inferred_from").max_length
SLUG_BATCH = 10


@dataclass
class _Run:
    """What one run knows across its files."""

    publish: bool
    dry_run: bool
    imported_by: str
    max_bytes: int
    matcher: EntityMatcher
    publications: Publications
    lookups: Lookups = field(default_factory=Lookups)
    # Checksums and URLs of this run's imported files, for duplicates a dry run never wrote.
    seen: dict[tuple[str, str], FileOutcome] = field(default_factory=dict)
    # Slugs given in this run, so a dry run reports the slugs a real one would give.
    slugs: set[str] = field(default_factory=set)
    # The account the history names as the importer (None from the command line).
    user: object = None
    near_duplicates: str = "report"
    # The archive's text sketches (and this run's), for near-duplicates; made when first needed.
    sketches: similarity.SketchIndex | None = None
    fingerprints: dict[str, int] = field(default_factory=dict)  # the archive's, to article ids
    copy_checksums: set[str] | None = None  # of the recorded syndicated copies
    # This run's imported texts by fingerprint and by the key the sketch index knows them by.
    run_texts: dict[str, FileOutcome] = field(default_factory=dict)
    run_shingles: dict[str, tuple[set[int], FileOutcome]] = field(default_factory=dict)


# What to do with a file whose text is nearly that of an article the archive has: report it as a
# probable duplicate (and import nothing), record it as a syndicated copy of that article, or
# import it anyway (still reporting the article it repeats).
NEAR_DUPLICATE_CHOICES = ("report", "link", "import")


def import_files(
    items: Iterable[Source | str | os.PathLike | UploadedFile],
    *,
    publish: bool = False,
    dry_run: bool = False,
    imported_by: str = COMMAND_LINE,
    max_bytes: int | None = None,
    on_outcome: Callable[[FileOutcome], None] | None = None,
    near_duplicates: str = "report",
    readers: int = 1,
) -> ImportReport:
    """Import files, folders (recursively) or uploads as articles, one transaction per file.

    Each good file becomes an article (a draft unless `publish`) linked to the organisations,
    people and events it names; a file with the bytes or the canonical URL of an existing
    article is a duplicate; a bad one is refused with a reason, and the run goes on. With
    `dry_run` every file's transaction is rolled back: the report is what a real run would do.
    `on_outcome` is called after each file (for a progress bar).

    A file whose text is nearly an existing article's (the same words in another encoding, with
    other page furniture, or a syndicated copy) is handled as `near_duplicates` says: "report"
    (a probable duplicate, nothing written), "link" (recorded as a SyndicatedCopy of the
    article) or "import" (imported, with the article it repeats in the report).

    With `readers` over 1 the files are read (decoded, extracted and cleaned) that many at a
    time in forked processes while this one writes them in order (archive.importing.reading):
    the same report, faster on a machine with cores to spare.
    """
    if near_duplicates not in NEAR_DUPLICATE_CHOICES:
        raise ValueError(f"near_duplicates must be one of {', '.join(NEAR_DUPLICATE_CHOICES)}")
    run = _Run(
        publish=publish,
        dry_run=dry_run,
        imported_by=imported_by,
        max_bytes=settings.ARCHIVE_MAX_ORIGINAL_BYTES if max_bytes is None else max_bytes,
        matcher=EntityMatcher.from_archive(),
        user=history.account(imported_by),
        publications=Publications.from_archive(),
        near_duplicates=near_duplicates,
    )
    report = ImportReport(dry_run=dry_run)
    with Readers(readers) as reading:
        for each in reading.each(collect_sources(items), run.max_bytes):
            outcome = _import_one(each, run)
            report.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return report


def _import_one(reading: Reading, run: _Run) -> FileOutcome:
    source = reading.source
    encoding = fmt = ""
    try:
        checksum = hashlib.sha256(reading.raw()).hexdigest()
        duplicate = _duplicate(source, run, "original_checksum", checksum)
        if duplicate:
            return duplicate
        read = reading.result()
        encoding, fmt = read.encoding, read.fmt
        if read.refused:
            raise Refused(read.refused)
        if read.failed:  # logged where it was read
            return _failed(source, read.failed, encoding, fmt)
        decoded, extracted, texts = read.decoded, read.extracted, read.texts
        duplicate = _duplicate(source, run, "url", extracted.url)
        if duplicate:
            return duplicate
        if extracted.title_guessed:  # "Morning Star", then the headline: the paper's name
            masthead = run.publications.find_with_name([extracted.title], exact=True)
            if masthead is not None:
                extracted = replace(
                    without_masthead(extracted, extracted.title),
                    source=masthead[0].name,
                )
                texts = Texts.of(extracted)
        near = _near_duplicate(run, texts)
        if near is not None and run.near_duplicates != "import":
            return _repeat(source, run, decoded, fmt, checksum, extracted, near)
        outcome = _save(source, run, decoded, fmt, checksum, extracted, texts)
        if near is not None:
            outcome.duplicate_of, outcome.similarity = near.article_id, round(near.similarity, 3)
            outcome.note = f"a probable duplicate: {near.describe()}"
        return outcome
    except Refused as refusal:
        return FileOutcome(
            source.label, Outcome.REFUSED, reason=str(refusal), encoding=encoding, format=fmt
        )
    except Exception as error:  # one file's failure must not stop the run
        logger.exception("Importing %s failed", source.label)
        return _failed(source, one_line(error), encoding, fmt)


def _failed(source: Source, detail: str, encoding: str, fmt: str) -> FileOutcome:
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
        found = (
            run.lookups.article_with_url(urls.variants(value))
            if field_name == "url"
            else run.lookups.article_with_checksum([value])
        )
        if found is None and field_name == "original_checksum" and value in _copy_checksums(run):
            copy = (
                SyndicatedCopy.objects.filter(original_checksum=value)
                .values("article_id", "article__slug", "article__title")
                .first()
            )
            if copy is not None:
                found = {
                    "id": copy["article_id"],
                    "slug": copy["article__slug"],
                    "title": copy["article__title"],
                }
                same = "the same bytes as a recorded copy of"
        if found is None:
            return None
        where = f"article {found['id']}"
    return FileOutcome(
        source.label,
        Outcome.DUPLICATE,
        reason=(
            f"{same} “{found['title']}” ({where})"
            if same.endswith(" of")
            else f"{same} as “{found['title']}” ({where})"
        ),
        article_id=found["id"],
        slug=found["slug"],
        title=found["title"],
    )


def _save(
    source: Source,
    run: _Run,
    decoded: Decoded,
    fmt: str,
    checksum: str,
    extracted: Extracted,
    texts: Texts,
) -> FileOutcome:
    """Write the article and its links in one transaction (rolled back in a dry run)."""
    published = extracted.published
    # The source as the archive names it, when it is one of its publications.
    found = run.publications.find_with_name([extracted.source, *extracted.source_candidates])
    publication, named_as = found if found else (None, "")
    source_name = publication.name if publication else extracted.source
    reposter = run.publications.find([extracted.reposted_by]) if extracted.reposted_by else None
    reposted_by = reposter.name if reposter else extracted.reposted_by
    # The text the saved article will have (`_final_text`), read before it is written: a file
    # that states no date may be dated by the events it is linked to.
    text = f"{extracted.title}\n\n{texts.body_text}"
    links = run.matcher.find(text, published.date if published else None)
    inferred = None if published else _inferred_date(text, links)
    if inferred is not None:
        published = inferred.published
    with transaction.atomic():
        article = Article(
            title=extracted.title,
            standfirst=extracted.standfirst,
            slug=_unique_slug(extracted.title, run),
            byline=extracted.byline,
            source=source_name[:SOURCE_LENGTH],
            url=extracted.url,
            published_date=published.date if published else None,
            date_precision=published.precision if published else Article.Precision.DAY,
            date_inferred_from=inferred.describe[:DATE_INFERRED_LENGTH] if inferred else "",
            original=decoded.text,
            # A message is kept as the text it came as; its body part was made into the body.
            original_format=Article.Format.TEXT if fmt == "email" else fmt,
            sender=extracted.sender,
            reposted_by=reposted_by[:SOURCE_LENGTH],
            original_checksum=checksum,
            original_encoding=decoded.encoding,
            original_filename=source.name[:FILENAME_LENGTH],
            imported_at=timezone.now(),
            imported_by=run.imported_by,
            needs_review=extracted.title_guessed,
            status=Article.Status.PUBLISHED if run.publish else Article.Status.DRAFT,
        )
        article.body_html = texts.body_html
        article.save()
        if publication is not None and publication not in links.organisations:
            links.organisations.append(publication)
            links.evidence[(Organisation, publication.pk)] = f"source: {named_as}"
        _link_entities(article, links)
        history.record([article], f"Imported from {source.name} by {run.imported_by}.", run.user)
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
        date_inferred_from=article.date_inferred_from,
        byline=article.byline,
        source=article.source,
        reposted_by=article.reposted_by,
        sender=article.sender,
        url=article.url,
        organisations=[org.name for org in links.organisations],
        people=[person.name for person in links.people],
        events=[event.name for event in links.events],
        links=[
            {
                "kind": kind,
                "id": entity.pk,
                "name": entity.name,
                "evidence": links.evidence.get((type(entity), entity.pk), ""),
            }
            for kind, entities in (
                ("organisation", links.organisations),
                ("person", links.people),
                ("event", links.events),
            )
            for entity in entities
        ],
    )
    run.slugs.add(article.slug)
    run.seen[_seen_key("original_checksum", checksum)] = outcome
    _remember_text(run, texts, outcome)
    if article.url:
        run.seen[_seen_key("url", article.url)] = outcome
    return outcome


def _inferred_date(text: str, links: Links) -> dates.Inferred | None:
    """A date for a file that states none, from its own words: a year stated in the present
    tense, or an event it is linked to spoken of as just past or still to come."""
    return dates.inferred(
        text,
        [
            dates.EventReference(
                event.name,
                event.start_date,
                event.end_date or event.start_date,
                (
                    *filter(None, [links.evidence.get((type(event), event.pk)), event.name]),
                    *event.alias_list,
                ),
            )
            for event in links.events
        ],
    )


@dataclass(frozen=True)
class _Near:
    """The article a file's text nearly repeats."""

    article_id: int | None
    slug: str
    title: str
    similarity: float
    where: str

    def describe(self) -> str:
        how = (
            "the same text"
            if self.similarity >= 0.995
            else f"{self.similarity:.0%} of the same text"
        )
        return f"{how} as “{self.title}” ({self.where})"


def _copy_checksums(run: _Run) -> set[str]:
    """The checksums of the recorded syndicated copies, read once a run (there are few)."""
    if run.copy_checksums is None:
        run.copy_checksums = set(SyndicatedCopy.objects.values_list("original_checksum", flat=True))
    return run.copy_checksums


def _sketch_index(run: _Run) -> similarity.SketchIndex:
    """The archive's sketches, read once a run. Articles saved without one (loaded from a
    fixture, which bypasses save()) are given theirs, except in a dry run."""
    if run.sketches is None:
        missing = list(
            Article.objects.filter(text_fingerprint="")
            .exclude(body_text="")
            .only("id", "body_text")
        )
        for article in missing:
            article.text_fingerprint = similarity.fingerprint(article.body_text)
            article.text_sketch = similarity.sketch(article.body_text)
        if missing and not run.dry_run:
            Article.objects.bulk_update(
                missing, ["text_fingerprint", "text_sketch"], batch_size=500
            )
        stored = list(
            Article.objects.exclude(text_fingerprint="").values_list(
                "id", "text_fingerprint", "text_sketch"
            )
        )
        if run.dry_run:
            stored += [(a.pk, a.text_fingerprint, a.text_sketch) for a in missing]
        run.fingerprints = {fingerprint: pk for pk, fingerprint, _ in stored}
        run.sketches = similarity.SketchIndex((pk, sketch) for pk, _, sketch in stored if sketch)
    return run.sketches


def _near_duplicate(run: _Run, texts: Texts) -> _Near | None:
    """The article (in the archive or earlier in this run) whose text this one nearly repeats."""
    if not texts.fingerprint:
        return None
    earlier = run.run_texts.get(texts.fingerprint)
    if earlier is not None:
        return _Near(
            earlier.article_id,
            earlier.slug,
            earlier.title,
            1.0,
            f"{earlier.path}, earlier in this run",
        )
    index = _sketch_index(run)
    same_id = run.fingerprints.get(texts.fingerprint)
    same = (
        Article.objects.filter(pk=same_id).values("id", "slug", "title").first()
        if same_id is not None
        else None
    )
    if same is not None:
        return _Near(same["id"], same["slug"], same["title"], 1.0, f"article {same['id']}")
    if not texts.sketch:
        return None
    for candidate in index.candidates(texts.sketch)[:3]:
        if isinstance(candidate.article_id, str):  # a file of this run
            shingles, outcome = run.run_shingles[candidate.article_id]
            measured = similarity.measure(texts.shingles, shingles)
            if measured >= similarity.DUPLICATE_SIMILARITY:
                where = f"{outcome.path}, earlier in this run"
                return _Near(outcome.article_id, outcome.slug, outcome.title, measured, where)
            continue
        found = (
            Article.objects.filter(pk=candidate.article_id)
            .values("id", "slug", "title", "body_text")
            .first()
        )
        if found is None:
            continue
        measured = similarity.measure(texts.shingles, similarity.shingles(found["body_text"]))
        if measured >= similarity.DUPLICATE_SIMILARITY:
            return _Near(
                found["id"], found["slug"], found["title"], measured, f"article {found['id']}"
            )
    return None


def _remember_text(run: _Run, texts: Texts, outcome: FileOutcome) -> None:
    """Keep an imported file's text for the near-duplicate check of the run's later files."""
    if not texts.fingerprint:
        return
    run.run_texts.setdefault(texts.fingerprint, outcome)
    if texts.sketch:
        key = f"run:{len(run.run_shingles)}"
        run.run_shingles[key] = (set(texts.shingles), outcome)
        _sketch_index(run).add(key, texts.sketch)


def _repeat(
    source: Source,
    run: _Run,
    decoded: Decoded,
    fmt: str,
    checksum: str,
    extracted: Extracted,
    near: _Near,
) -> FileOutcome:
    """A file nearly repeating an article: reported, or recorded as a copy of it ("link")."""
    outcome = FileOutcome(
        source.label,
        Outcome.DUPLICATE,
        reason=f"probable duplicate: {near.describe()}",
        encoding=decoded.encoding,
        format=fmt,
        article_id=near.article_id,
        slug=near.slug,
        title=near.title,
        source=extracted.source,
        url=extracted.url,
        duplicate_of=near.article_id,
        similarity=round(near.similarity, 3),
    )
    if run.near_duplicates == "link":
        if near.article_id is not None:
            with transaction.atomic():
                SyndicatedCopy.objects.create(
                    article_id=near.article_id,
                    source=extracted.source[:SOURCE_LENGTH],
                    url=extracted.url,
                    original_filename=source.name[:FILENAME_LENGTH],
                    original_checksum=checksum,
                    similarity=near.similarity,
                    imported_by=run.imported_by,
                )
                if not run.dry_run:
                    _copy_checksums(run).add(checksum)
                if run.dry_run:
                    transaction.set_rollback(True)
        verb = "would be recorded" if run.dry_run else "recorded"
        outcome.reason = f"{verb} as a syndicated copy: {near.describe()}"
        outcome.copy_recorded = not run.dry_run
    run.seen[_seen_key("original_checksum", checksum)] = outcome
    return outcome


def _seen_key(field_name: str, value: str) -> tuple[str, str]:
    """How this run remembers a file: its checksum, or its URL whatever the scheme."""
    if field_name == "url":
        value = urls.canonical(value).split("://", 1)[-1]
    return (field_name, value)


def _link_entities(article: Article, links: Links) -> None:
    """Link a new article: one insert per kind of link."""
    for relation, entities in (
        ("organisations", links.organisations),
        ("people", links.people),
        ("events", links.events),
    ):
        if entities:
            through, target, insert = _LINK_INSERTS[relation]
            insert.many([through(article=article, **{target: entity}) for entity in entities])
    # Its history records these links without reading them back.
    history.known_links(
        article, organisations=links.organisations, people=links.people, events=links.events
    )
    # The counts: the article's save has renewed them (archive.apps connects counts.invalidate
    # to it), in this file's transaction, so readers see the new ones, links and all, when it
    # commits; the link inserts send no signal of their own and need no second renewal.


def _link_insert(relation: str) -> tuple[type, str, Insert]:
    """The through model of one of an article's kinds of link, its field naming the entity,
    and its insert (built once)."""
    field = Article._meta.get_field(relation)
    through = field.remote_field.through
    target = field.m2m_reverse_field_name()
    return through, target, Insert(through, [field.m2m_field_name(), target])


_LINK_INSERTS = {
    relation: _link_insert(relation) for relation in ("organisations", "people", "events")
}


def _unique_slug(title: str, run: _Run) -> str:
    """A slug from the title that no article (nor an earlier file of this run) has.

    The title's slug, else the slug with -2, -3...: each batch of candidates is one indexed
    query (a LIKE over the slugs would read them all, for every file).
    """
    base = slugify(title)[:SLUG_LENGTH].strip("-") or "article"
    first = 1
    while True:
        candidates = [_numbered(base, number) for number in range(first, first + SLUG_BATCH)]
        taken = run.slugs | run.lookups.slugs_taken(candidates)
        free = [candidate for candidate in candidates if candidate not in taken]
        if free:
            return free[0]
        first += SLUG_BATCH


def _numbered(base: str, number: int) -> str:
    if number == 1:
        return base
    suffix = f"-{number}"
    return base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
