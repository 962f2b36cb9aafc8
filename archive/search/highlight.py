"""Snippets made in Python from an article's plain text, for PostgreSQL.

PostgreSQL's ts_headline parsed each result's whole text again in the database: about 4 ms of
a 20-result search page's 11, on the same cores as the app. The page already holds each
result's plain text (its teaser is made from it), so the extract is cut here instead. A word
is a match when its stem is one of the query's: the same Snowball English stemmer, with the
same lower-casing and accent folding, as the `archive_english` configuration that indexes the
text (archive/search/postgres.py), so what the search found is what is marked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import Stemmer

from archive.search.base import MARK_END, MARK_START
from archive.search.query import SearchQuery

# What PostgreSQL's parser counts as a word, near enough: letters and digits (a hyphen or an
# apostrophe splits, as there).
WORD = re.compile(r"[^\W_]+")
ELLIPSIS = "…"
DELIMITER = f" {ELLIPSIS} "


def fold(word: str) -> str:
    """Lower case without accents, as `archive_english` (unaccent) reads a word."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Matcher:
    """Which words of a text the query matches: every word of its terms, stemmed (a prefix
    term matches stems that begin with its own). Excluded terms match nothing, as no result
    contains them.

    Texts are read as whitespace-separated tokens ("strike.", "anti-strike"), each distinct
    token decided once. A token is stemmed only when it contains the start of one of the
    query's stems: a Snowball stem differs from its word in at most the last two letters
    ("dying", "die"), so no other token can match, and most are dismissed without stemming."""

    def __init__(self, query: SearchQuery) -> None:
        self._stem = Stemmer.Stemmer("english").stemWord
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        for term in query.terms:
            for word in WORD.findall(term.text):
                stem = self._stem(fold(word))
                if term.prefix:
                    self.prefixes.append(stem)
                else:
                    self.exact.add(stem)
        stems = [*self.exact, *self.prefixes]
        self._clues = tuple({stem[: max(1, len(stem) - 2)] for stem in stems})
        self.known: dict[str, bool] = {}  # token: whether any word in it matches
        self._words: dict[str, bool] = {}  # word: whether it matches

    def word(self, word: str) -> bool:
        found = self._words.get(word)
        if found is None:
            stem = self._stem(fold(word))
            found = stem in self.exact or any(stem.startswith(p) for p in self.prefixes)
            self._words[word] = found
        return found

    def learn(self, tokens: Iterable[str]) -> None:
        """Decide the tokens not met before."""
        known, clues = self.known, self._clues
        for token in set(tokens).difference(known):
            folded = fold(token)
            known[token] = any(clue in folded for clue in clues) and any(
                self.word(word) for word in WORD.findall(token)
            )

    def mark(self, token: str) -> str:
        """The token with its matching words between the markers."""
        return WORD.sub(
            lambda m: f"{MARK_START}{m.group()}{MARK_END}" if self.word(m.group()) else m.group(),
            token,
        )


def extract(text: str, matches: Matcher, *, words: int = 35, fragments: int = 2) -> str:
    """Up to `fragments` runs of about `words` words around the matches, the matched words
    between MARK_START and MARK_END, joined and trimmed with ellipses; the opening words when
    nothing in the text matches (the match was in the headline). Whitespace becomes single
    spaces, as a page shows it."""
    tokens = text.replace(MARK_START, "").replace(MARK_END, "").split()
    if not tokens:
        return ""
    matches.learn(tokens)
    known = matches.known
    hits = [index for index, token in enumerate(tokens) if known[token]]
    runs: list[tuple[int, int]] = []  # fragments, as [first token, last token + 1)
    lead = words // 4  # words shown before a fragment's first match
    for index in hits:
        if runs and index < runs[-1][1]:
            continue  # inside the fragment before
        if len(runs) == fragments:
            break
        start = max(index - lead, runs[-1][1] if runs else 0)
        runs.append((start, min(start + words, len(tokens))))
    if not runs:
        runs = [(0, min(words, len(tokens)))]
    hit = set(hits)
    pieces = [
        " ".join(matches.mark(tokens[i]) if i in hit else tokens[i] for i in range(first, end))
        for first, end in runs
    ]
    joined = DELIMITER.join(pieces)
    if runs[0][0] > 0:
        joined = ELLIPSIS + joined
    if runs[-1][1] < len(tokens):
        joined += ELLIPSIS
    return joined


def extracts(query: SearchQuery, texts: Iterable[tuple[int, str]], **options) -> dict[int, str]:
    """{article id: its extract} for (id, plain text) pairs, with one matcher for them all."""
    matches = Matcher(query)
    return {pk: extract(text or "", matches, **options) for pk, text in texts}
