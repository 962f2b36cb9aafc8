"""Reading a file into an article's parts (decoding it, extracting and cleaning the article),
before anything is looked up or written; in this process, or in forked reader processes.

Reading is most of an import's work (about three fifths of it for a typical mix of files) and
needs nothing but the file's bytes, so a large import on a machine with cores to spare reads
the next few files in reader processes while this one writes the files already read, in order:
the report, the duplicates found within the run and the transaction of each file are exactly
those of a run reading every file itself. A reader is a fork of this process: it touches no
database, and what it hands back (the sanitiser's output among it) is what this process would
have made of the same bytes. If a reader dies (the system killed it for its memory), each file
it held is read again in a reader of its own, and refused if that one dies too; the writer
never reads a file that killed a reader.

Where processes cannot be forked (not POSIX), every file is read in this process.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from archive import editorial, sanitize
from archive.importing import similarity
from archive.importing.decoding import Decoded, decode, detect_format
from archive.importing.extract import Extracted, extract
from archive.importing.outcomes import Refused, one_line
from archive.importing.sources import Source

logger = logging.getLogger(__name__)

# Files read ahead of the one being written, per reader: enough to keep every reader busy
# while this process writes, few enough that their bytes and texts stay small in memory.
AHEAD_PER_READER = 4
# At most this many readers by default: the writing process is the limit beyond it.
MOST_READERS = 4
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()


def default_readers() -> int:
    """Reader processes for an import on this machine: one a core this process may use, up to
    MOST_READERS; 1 (read here) on one core or where processes cannot be forked."""
    if not CAN_FORK:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MOST_READERS))


@dataclass(frozen=True)
class Texts:
    """The body an article will have and its text, with the text's fingerprint, sketch and
    shingles for the near-duplicate check."""

    fingerprint: str
    sketch: str
    shingles: frozenset[int]
    body_html: str  # the body the article will have (its headline and standfirst shown once)
    body_text: str  # and its text

    @classmethod
    def of(cls, extracted: Extracted) -> Texts:
        body_html = _body_shown_once(extracted)
        body_text = _final_text(extracted, body_html)
        analysis = similarity.analyse(body_text)
        return cls(analysis.fingerprint, analysis.sketch, analysis.shingles, body_html, body_text)


def _body_shown_once(extracted: Extracted) -> str:
    """The editorial rule at the door: a headline or standfirst the file repeats at the top of
    its text is shown once (the model only derives and sanitises)."""
    return editorial.shown_once(extracted.body_html, extracted.title, extracted.standfirst)


_BLOCK_END = re.compile(r"</(?:p|h2|h3|h4)>")


def _final_text(extracted: Extracted, body: str) -> str:
    """The text the article will have once its headline and standfirst are shown once (its
    body, from `_body_shown_once`), leaving out a first paragraph that repeats them."""
    if body == extracted.body_html:
        return extracted.body_text
    # Each block left out was one paragraph of the text: drop as many.
    dropped = len(_BLOCK_END.findall(extracted.body_html, 0, len(extracted.body_html) - len(body)))
    return "\n\n".join(extracted.body_text.split("\n\n")[dropped:])


@dataclass(frozen=True)
class Read:
    """What reading a file gave: its text, format, article and texts; or, when it cannot be
    imported, `refused` with the reason or `failed` with the error (and the encoding and format
    found before that)."""

    encoding: str = ""
    fmt: str = ""
    decoded: Decoded | None = None
    extracted: Extracted | None = None
    texts: Texts | None = None
    refused: str = ""
    failed: str = ""  # what went wrong, on one line, when reading failed unexpectedly


def read(name: str, raw: bytes, max_bytes: int) -> Read:
    """Decode, extract and clean a file's bytes (at most `max_bytes`, already checked)."""
    encoding = fmt = ""
    try:
        decoded = decode(raw)
        encoding = decoded.encoding
        if not decoded.text.strip():
            raise Refused("empty file")
        fmt = detect_format(name, decoded.text)
        # The file's bytes are within the limit; its text may take up to four bytes a byte.
        extracted = extract(decoded.text, fmt, max_bytes=4 * max_bytes)
        texts = Texts.of(extracted)
    except Refused as refusal:
        return Read(encoding, fmt, refused=str(refusal))
    except MemoryError:  # for the budget's trial (archive.import_budget) to tell
        raise
    except Exception as error:  # one file's failure must not stop the run
        logger.exception("Reading %s failed", name)
        return Read(encoding, fmt, failed=one_line(error))
    return Read(encoding, fmt, decoded, extracted, texts)


@dataclass(frozen=True)
class _FromReader:
    """What a reader process hands back: the file's read, and what the writer would otherwise
    work out again when it saves the article (Article.prepare), as the reader worked it out:
    the sanitiser's outputs (known clean), the article's body's text and that text's analysis."""

    read: Read
    issued: tuple[sanitize.Issued, ...] = ()
    text: str | None = None
    analysis: similarity.Analysis | None = None

    def adopt(self) -> None:
        # The reader is a fork of this process running the same functions: its results are
        # what this process would get.
        sanitize.adopt_from_own_fork(self.issued)
        if self.text is not None:
            sanitize.html_to_text.remember(self.read.texts.body_html, self.text)
            similarity.analyse.remember(self.text, self.analysis)


def _read_in_reader(name: str, raw: bytes, max_bytes: int) -> _FromReader:
    """`read`, in a reader process."""
    with sanitize.issuing() as issued:
        found = read(name, raw, max_bytes)
    if found.texts is None:
        return _FromReader(found, tuple(issued))
    text = sanitize.html_to_text(found.texts.body_html)
    return _FromReader(found, tuple(issued), text, similarity.analyse(text))


class Reading:
    """One file's read, as the writer asks for it: its bytes, then what reading them gave."""

    def __init__(self, readers: Readers, source: Source, max_bytes: int) -> None:
        self._readers = readers
        self.source = source
        self._max_bytes = max_bytes
        self._raw: bytes | None = None
        self._error: Exception | None = None  # reading the bytes failed: raised by raw()
        self._future: Future | None = None

    def start(self) -> None:
        """Read the bytes and hand them to a reader."""
        try:
            self._raw = self.source.read(self._max_bytes)
        except Exception as error:  # noqa: BLE001 - the writer meets it in turn, as without readers
            self._error = error
            return
        self._future = self._readers.submit(self.source.name, self._raw, self._max_bytes)

    def raw(self) -> bytes:
        """The file's bytes; Refused when it cannot be read (too large)."""
        if self._error is not None:
            raise self._error
        if self._raw is None:
            self._raw = self.source.read(self._max_bytes)
        return self._raw

    def result(self) -> Read:
        raw = self.raw()
        if self._future is None:
            return read(self.source.name, raw, self._max_bytes)
        try:
            handed: _FromReader = self._future.result()
        except (BrokenProcessPool, CancelledError):
            # A reader died (the system killed it for its memory): this file, perhaps the
            # one that killed it, is read again in a reader of its own.
            self._readers.broken()
            handed = self._readers.read_alone(self.source.name, raw, self._max_bytes)
        handed.adopt()
        return handed.read


READER_STOPPED = "could not be read: the reader stopped (probably out of memory)"


class Readers:
    """Files read in order, ahead of the writer, by `count` reader processes; in this process
    when `count` is 1."""

    def __init__(self, count: int) -> None:
        self.count = count if CAN_FORK else 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Readers:
        if self.count > 1:
            self._pool = self._new_pool(self.count)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    @staticmethod
    def _new_pool(count: int) -> ProcessPoolExecutor:
        # Each reader first sets aside what it inherited from the writer (gc.freeze): its
        # collector would otherwise walk those objects, copying every page they are on.
        return ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("fork"), initializer=gc.freeze
        )

    def each(self, sources: Iterable[Source], max_bytes: int) -> Iterator[Reading]:
        """Each source's reading, in order, the next few started before it is handed out."""
        if self._pool is None:
            for source in sources:
                yield Reading(self, source, max_bytes)
            return
        ahead: deque[Reading] = deque()
        remaining = iter(sources)
        while True:
            while len(ahead) < self.count * AHEAD_PER_READER:
                source = next(remaining, None)
                if source is None:
                    break
                reading = Reading(self, source, max_bytes)
                reading.start()
                ahead.append(reading)
            if not ahead:
                return
            yield ahead.popleft()

    def submit(self, name: str, raw: bytes, max_bytes: int) -> Future:
        try:
            return self._pool.submit(_read_in_reader, name, raw, max_bytes)
        except BrokenProcessPool:
            self.broken()
            return self._pool.submit(_read_in_reader, name, raw, max_bytes)

    def broken(self) -> None:
        """A reader died: the files it was given fail, and new ones go to new readers."""
        if self._pool is not None and self._pool._broken:  # noqa: SLF001 - no public flag
            logger.warning("A reader process stopped; the files in hand are read again")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool(self.count)

    def read_alone(self, name: str, raw: bytes, max_bytes: int) -> _FromReader:
        """Read one file in a reader of its own; refused when that reader dies too."""
        with self._new_pool(1) as alone:
            try:
                return alone.submit(_read_in_reader, name, raw, max_bytes).result()
            except (BrokenProcessPool, CancelledError):
                return _FromReader(Read(refused=READER_STOPPED))
