"""Near-duplicate texts: the same article in another encoding, with other page furniture, or
syndicated by another site.

Two measures, both over the text with case, accents, punctuation and white space set aside:

- the fingerprint, a hash of that normalised text: equal for the same words however they were
  encoded or laid out;
- a sketch for similarity: the SKETCH_SIZE smallest hashes of the text's word shingles (runs of
  SHINGLE_WORDS words). Two sketches estimate the Jaccard similarity of the two texts' shingle
  sets (Broder's bottom-k MinHash); a candidate found that way is then measured exactly, over all
  shingles.

Nothing here touches the database: the model stores both values (Article.prepare) and the
import service keeps an index of the archive's sketches for a run.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from archive.recent import recent

SHINGLE_WORDS = 5
SKETCH_SIZE = 32
# Estimated similarity from which a candidate is measured exactly, and the exact share of
# shingles from which two texts are reported as probable duplicates: Jaccard similarity, or
# the share of the shorter text's shingles the longer one has (a copy with a paragraph more
# or less, or furniture around it).
CANDIDATE_SIMILARITY = 0.3
DUPLICATE_SIMILARITY = 0.8
# Texts shorter than this many words are too short to call near-duplicates.
MIN_WORDS = 20

_WORD = re.compile(r"\w+")
_COMBINING = re.compile("[\u0300-\u036f]")


def words(text: str) -> list[str]:
    """The text's words, case-folded, accents and punctuation set aside."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return _WORD.findall(folded)


@dataclass(frozen=True)
class Analysis:
    fingerprint: str
    sketch: str
    shingles: frozenset[int]


@recent(8)  # the importer and Article.prepare analyse the same text in turn
def analyse(text: str) -> Analysis:
    """The text's fingerprint, sketch and shingles, its words read once."""
    found = words(text)
    if not found:
        return Analysis("", "", frozenset())
    normalised = " ".join(found)
    digest = hashlib.sha1(normalised.encode("utf-8")).hexdigest()  # noqa: S324 - not for security
    # Each word as a number, each run of words as the hash of its numbers' tuple (Python hashes
    # tuples of integers the same way in every process).
    ids = list(map(zlib.crc32, map(str.encode, found)))
    if len(ids) < SHINGLE_WORDS:
        hashes = frozenset({hash(tuple(ids))})
    else:
        hashes = frozenset(
            map(hash, zip(*(ids[start:] for start in range(SHINGLE_WORDS)), strict=False))
        )
    stored = (
        " ".join(f"{value:x}" for value in sorted(hashes)[:SKETCH_SIZE])  # "-1f3a…" if negative
        if len(found) >= MIN_WORDS
        else ""
    )
    return Analysis(digest, stored, hashes)


def fingerprint(text: str) -> str:
    """A hash of the normalised text ('' for an empty text)."""
    return analyse(text).fingerprint


def shingles(text: str) -> frozenset[int]:
    """The hashes of the text's runs of SHINGLE_WORDS words (of all its words if fewer)."""
    return analyse(text).shingles


def sketch(text: str) -> str:
    """The text's sketch, stored as hexadecimal numbers separated by spaces ('' if too short)."""
    return analyse(text).sketch


def parse_sketch(stored: str) -> list[int]:
    return [int(value, 16) for value in stored.split()]


def estimate(first: list[int], second: list[int]) -> float:
    """The Jaccard similarity two sketches estimate: the share of the union's smallest hashes
    that both hold."""
    if not first or not second:
        return 0.0
    union = sorted(set(first) | set(second))[:SKETCH_SIZE]
    both = set(first) & set(second)
    return sum(1 for value in union if value in both) / len(union)


def measure(first: set[int], second: set[int]) -> float:
    """The exact similarity of two shingle sets: Jaccard, or the share of the smaller set the
    larger holds, whichever is higher."""
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return max(shared / len(first | second), shared / min(len(first), len(second)))


@dataclass(frozen=True)
class Candidate:
    article_id: int
    estimate: float


class SketchIndex:
    """The archive's sketches, indexed by hash, to find the articles a new text may repeat."""

    def __init__(self, sketches: Iterable[tuple[int, str]] = ()) -> None:
        self._by_hash: dict[int, list[int]] = defaultdict(list)
        self._sketches: dict[int, list[int]] = {}
        for article_id, stored in sketches:
            self.add(article_id, stored)

    def add(self, article_id: int, stored: str) -> None:
        values = parse_sketch(stored)
        if values:
            self._sketches[article_id] = values
            for value in values:
                self._by_hash[value].append(article_id)

    def candidates(self, stored: str) -> list[Candidate]:
        """Articles whose sketch estimates at least CANDIDATE_SIMILARITY, most similar first."""
        values = parse_sketch(stored)
        counts = Counter(
            article_id for value in values for article_id in self._by_hash.get(value, ())
        )
        found = []
        for article_id, _ in counts.most_common(10):
            similarity = estimate(values, self._sketches[article_id])
            if similarity >= CANDIDATE_SIMILARITY:
                found.append(Candidate(article_id, similarity))
        return sorted(found, key=lambda c: -c.estimate)
