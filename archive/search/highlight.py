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


# Letters unaccent (archive_english) maps that NFKD leaves whole: "Wałęsa" is found as "walesa".
UNACCENT = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
LONGEST_TOKEN = 50  # characters shown of a token without a match (a URL, an unspaced script)
LONGEST_MATCHED_TOKEN = 200


def _clues(stems) -> tuple[str, ...]:
    """What a token must contain to be worth stemming for these stems: a Snowball stem
    differs from its word in at most its last two letters."""
    return tuple({stem[: max(1, len(stem) - 2)] for stem in stems})


def fold(word: str) -> str:
    """Lower case without accents, as `archive_english` (unaccent) reads a word."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered.translate(UNACCENT))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Matcher:
    """Which words of a text the query matches, as PostgreSQL matched them: a word term (and
    each word of a term like "O'Brien", which PostgreSQL reads as two) by its stem, a prefix
    term by the start of the stem (its letters run together, as archive/search/postgres.py
    asks), and a phrase (a quoted name, or a name the search widened to) only where its words
    stand in a row. Excluded terms match nothing, as no result contains them.

    Texts are read as whitespace-separated tokens ("strike.", "anti-strike"), each distinct
    token decided once. A token is stemmed only when it contains the start of one of the
    query's stems: a Snowball stem differs from its word in at most the last two letters
    ("dying", "die"), so no other token can match, and most are dismissed without stemming."""

    def __init__(self, query: SearchQuery) -> None:
        self._stem = Stemmer.Stemmer("english").stemWord
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.phrases: list[tuple[str, ...]] = []
        for term in query.terms:
            if term.prefix:
                if term.letters:
                    self.prefixes.append(self._stem(fold(term.letters)))
                continue
            stems = [self._stem(fold(word)) for word in WORD.findall(term.text)]
            if term.is_phrase and len(stems) > 1:
                self.phrases.append(tuple(stems))
            else:
                self.exact.update(stems)
        self._clues = _clues([*self.exact, *self.prefixes])
        self._phrase_clues = _clues(phrase[0] for phrase in self.phrases)
        self.known: dict[str, bool] = {}  # token: whether a word in it matches a word term
        self._opens: dict[str, bool] = {}  # token: whether a word in it may open a phrase
        self._stems: dict[str, str] = {}  # word: its stem

    def stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = self._stem(fold(word))
        return found

    def word(self, word: str) -> bool:
        stem = self.stem(word)
        return stem in self.exact or any(stem.startswith(p) for p in self.prefixes)

    def learn(self, tokens: Iterable[str]) -> None:
        """Decide the tokens not met before."""
        known, clues = self.known, self._clues
        for token in set(tokens).difference(known):
            folded = fold(token)
            known[token] = any(clue in folded for clue in clues) and any(
                self.word(word) for word in WORD.findall(token)
            )

    def phrase_runs(self, tokens: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """(first token, last token + 1, the phrase) of each place a phrase stands in the text."""
        if not self.phrases:
            return []
        runs, opens, clues = [], self._opens, self._phrase_clues
        longest = max(len(phrase) for phrase in self.phrases)
        for index, token in enumerate(tokens):
            opening = opens.get(token)
            if opening is None:
                folded = fold(token)
                opening = opens[token] = any(clue in folded for clue in clues)
            if not opening:
                continue
            # The words from this token on, each with its token, enough for any phrase.
            words: list[tuple[str, int]] = []
            for at in range(index, min(len(tokens), index + longest + 1)):
                words += [(self.stem(word), at) for word in WORD.findall(tokens[at])]
            first_token_words = sum(1 for _, at in words if at == index)
            for start in range(first_token_words):
                stems = [stem for stem, _ in words[start:]]
                for phrase in self.phrases:
                    if tuple(stems[: len(phrase)]) == phrase:
                        runs.append((index, words[start + len(phrase) - 1][1] + 1, phrase))
        return runs

    def mark(self, token: str, whole: bool = False) -> str:
        """The token with its matching words (every word, `whole`) between the markers."""
        if len(token) > LONGEST_MATCHED_TOKEN:
            token = token[:LONGEST_MATCHED_TOKEN] + ELLIPSIS
        return WORD.sub(
            lambda m: (
                f"{MARK_START}{m.group()}{MARK_END}" if whole or self.word(m.group()) else m.group()
            ),
            token,
        )


def extract(text: str, matches: Matcher, *, words: int = 35, fragments: int = 2) -> str:
    """Up to `fragments` runs of about `words` words around the matches, the matched words
    between MARK_START and MARK_END, joined and trimmed with ellipses; the opening words when
    nothing in the text matches (the match was in the headline). Whitespace becomes single
    spaces, as a page shows it, and a very long token is cut short."""
    tokens = text.replace(MARK_START, "").replace(MARK_END, "").split()
    if not tokens:
        return ""
    matches.learn(tokens)
    known = matches.known
    hits = [index for index, token in enumerate(tokens) if known[token]]
    in_phrase: set[int] = set()
    phrase_runs = matches.phrase_runs(tokens)
    for first, end, _ in phrase_runs:
        in_phrase.update(range(first, end))
    if phrase_runs:
        hits = sorted({*hits, *(first for first, _, _ in phrase_runs)})
    runs: list[tuple[int, int]] = []  # fragments, as [first token, last token + 1)
    lead = words // 4  # words shown before a fragment's first match
    phrase_at = {first: phrase for first, _, phrase in phrase_runs}
    shown_terms: set = set()

    def terms(index: int) -> set:
        """What the token at `index` matched: its stems, or the phrase starting there."""
        if index in phrase_at:
            return {phrase_at[index]}
        return {matches.stem(w) for w in WORD.findall(tokens[index]) if matches.word(w)}

    while hits and len(runs) < fragments:
        after = [i for i in hits if not runs or i >= runs[-1][1]]
        if not after:
            break
        # The next fragment opens at the first match of a term not shown yet, if any, so
        # that a search for two words shows both where the text has both.
        index = next((i for i in after if terms(i) - shown_terms), after[0])
        start = max(index - lead, runs[-1][1] if runs else 0)
        runs.append((start, min(start + words, len(tokens))))
        for i in hits:
            if start <= i < runs[-1][1]:
                shown_terms |= terms(i)
    if not runs:
        runs = [(0, min(words, len(tokens)))]
    hit = set(hits) - in_phrase

    def shown(index: int) -> str:
        token = tokens[index]
        if index in in_phrase:
            return matches.mark(token, whole=True)
        if index in hit:
            return matches.mark(token)
        return token if len(token) <= LONGEST_TOKEN else token[:LONGEST_TOKEN] + ELLIPSIS

    joined = ""
    for number, (first, end) in enumerate(runs):
        if number:  # a fragment that starts where the last ended continues it
            joined += " " if first == runs[number - 1][1] else DELIMITER
        joined += " ".join(shown(index) for index in range(first, end))
    if runs[0][0] > 0:
        joined = ELLIPSIS + joined
    if runs[-1][1] < len(tokens):
        joined += ELLIPSIS
    return joined


def extracts(query: SearchQuery, texts: Iterable[tuple[int, str]], **options) -> dict[int, str]:
    """{article id: its extract} for (id, plain text) pairs, with one matcher for them all."""
    matches = Matcher(query)
    return {pk: extract(text or "", matches, **options) for pk, text in texts}
