"""Search snippets: the words the search matched, marked, in a short extract of the text.

On PostgreSQL the extract is cut in Python (archive/search/highlight.py) with the stemmer the
index uses; SQLite's FTS5 cuts its own. The extract tests run on both databases' suites."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import search
from archive.search.base import MARK_END, MARK_START, marked
from archive.search.highlight import Matcher, extract, extracts
from archive.search.query import parse_query
from tests.conftest import make_article


def _marked_words(text: str) -> list[str]:
    words, rest = [], text
    while MARK_START in rest:
        rest = rest.split(MARK_START, 1)[1]
        word, rest = rest.split(MARK_END, 1)
        words.append(word)
    return words


def _page_snippet(client, text: str, query: str) -> str:
    """The snippet the list page shows for the one article with this text."""
    make_article(title="Story", slug="story", original=text, original_format="text")
    ((_, snippet),) = client.get("/articles/", {"q": query}).context["results"]
    return snippet


def _extract(query: str, text: str, **options) -> str:
    return extract(text, Matcher(parse_query(query)), **options)


def test_every_form_of_a_searched_word_is_marked_as_the_index_stems_it():
    text = "Strikers struck; the striking teachers strike again. Strikes, strike!"
    assert _marked_words(_extract("strike", text)) == ["striking", "strike", "Strikes", "strike"]
    # "Strikers" stems to "striker", "struck" to "struck": the index does not find them either.


def test_a_prefix_search_marks_every_word_that_begins_with_it():
    text = "Teachers and teaching assistants met the tea urn."
    assert _marked_words(_extract("teach*", text)) == ["Teachers", "teaching"]


def test_accents_and_case_are_folded_as_the_index_folds_them():
    assert _marked_words(_extract("zoë", "ZOE and Zoë spoke.")) == ["ZOE", "Zoë"]
    assert _marked_words(_extract("die", "The dying art.")) == ["dying"]  # die, dying: "die"


def test_a_phrase_is_marked_only_where_its_words_stand_in_a_row():
    text = "The general secretary backed the general strike, strikes in general."
    assert _marked_words(_extract('"general strike"', text)) == ["general", "strike"]
    assert marked(_extract('"general strike"', text)).count("<mark>") == 1


def test_a_name_the_search_widens_to_is_marked_as_a_phrase_not_word_by_word():
    query = parse_query('pcs OR "public and commercial services union"')
    text = "The union and the public sector: PCS, the Public and Commercial Services Union."
    snippet = extract(text, Matcher(query))
    assert _marked_words(snippet) == ["PCS", "Public", "and", "Commercial", "Services", "Union"]
    assert marked(snippet).count("<mark>") == 2  # neighbouring words make one mark


def test_letters_unaccent_spells_out_are_folded_as_the_index_folds_them():
    assert _marked_words(_extract("walesa", "Lech Wałęsa spoke in Łódź.")) == ["Wałęsa"]
    assert _marked_words(_extract("lodz", "Lech Wałęsa spoke in Łódź.")) == ["Łódź"]
    assert _marked_words(_extract("strasse", "Die Straße.")) == ["Straße"]


def test_a_prefix_with_an_apostrophe_is_one_prefix_as_the_search_reads_it():
    # PostgreSQL searches 'oconnor':*, never every word that begins with "o".
    assert _marked_words(_extract("pay OR o'connor*", "Pay on offer, of course.")) == ["Pay"]


def test_a_very_long_token_is_cut_short():
    blob = "x" * 5000
    snippet = _extract("pay", f"{blob} pay rise {blob}")
    assert len(snippet) < 200 and f"{MARK_START}pay{MARK_END}" in snippet


def test_fragments_that_meet_are_joined_as_one_run_of_text():
    text = " ".join(["pay"] + [f"w{n}" for n in range(9)] + ["pay"] + [f"v{n}" for n in range(20)])
    snippet = _extract("pay", text, words=10)
    assert " … " not in snippet and snippet.count(MARK_START) == 2


def test_a_word_inside_a_hyphenated_token_is_marked_alone_with_its_punctuation_kept():
    snippet = _extract("strike", "An anti-strike law (strike).")
    assert snippet == f"An anti-{MARK_START}strike{MARK_END} law ({MARK_START}strike{MARK_END})."


def test_an_excluded_word_is_never_marked():
    assert _marked_words(_extract("pay -strike", "Pay and strike.")) == ["Pay"]


def test_long_texts_give_two_fragments_around_the_matches_with_ellipses():
    filler = " ".join(f"w{n}" for n in range(100))
    text = f"{filler} ballot one. {filler} ballot two. {filler}"
    snippet = _extract("ballot", text, words=10)
    first, second = snippet.split(" … ")
    assert first == f"…w98 w99 {MARK_START}ballot{MARK_END} one. w0 w1 w2 w3 w4 w5"
    assert second == f"w98 w99 {MARK_START}ballot{MARK_END} two. w0 w1 w2 w3 w4 w5…"
    assert len(snippet.split()) < 30


def test_the_second_fragment_shows_a_word_the_first_did_not():
    filler = " ".join(f"w{n}" for n in range(40))
    text = f"strike {filler} strike {filler} strike {filler} pension {filler} strike"
    snippet = _extract("pension strike", text, words=10)
    assert set(_marked_words(snippet)) == {"strike", "pension"}


def test_a_phrase_written_again_is_the_same_term_for_the_second_fragment():
    filler = " ".join(f"w{n}" for n in range(40))
    text = f"general strike {filler} general strike, {filler} pay {filler}"
    snippet = _extract('"general strike" pay', text, words=10)
    assert "pay" in _marked_words(snippet)


def test_a_text_without_a_match_gives_its_opening_words():
    text = " ".join(f"w{n}" for n in range(50))
    assert _extract("ballot", text, words=5) == "w0 w1 w2 w3 w4…"
    assert _extract("ballot", "Short text.") == "Short text."
    assert _extract("ballot", "   ") == ""


def test_marker_characters_in_a_text_cannot_forge_a_mark():
    snippet = marked(_extract("pay", f"{MARK_START}<script>{MARK_END} pay"))
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert snippet.count("<mark>") == 1


def test_one_matcher_serves_every_result_of_a_page():
    found = extracts(parse_query("pay"), [(1, "Pay rise."), (2, "No match."), (3, "")])
    assert _marked_words(found[1]) == ["Pay"] and found[2] == "No match." and found[3] == ""


@pytest.mark.django_db
def test_a_search_pages_snippets_mark_the_forms_of_the_word(client, pcs):
    snippet = _page_snippet(client, "Teachers were striking in Leeds on Monday.", "strikes")
    assert "<mark>striking</mark>" in snippet and "Leeds" in snippet


@pytest.mark.django_db
def test_snippets_on_postgresql_read_nothing_when_the_page_holds_the_text(pcs):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 cuts snippets from its own index")
    article = make_article(title="Pay", slug="pay", original="A pay claim.", original_format="text")
    texts = {article.pk: article.body_text}
    search.snippets(parse_query("pay"), [article.pk], texts)  # reads the names it widens
    with CaptureQueriesContext(connection) as queries:
        found = search.snippets(parse_query("pay"), [article.pk], texts)
    assert len(queries) == 0
    assert "<mark>pay</mark>" in found[article.pk]
    # Without the text at hand, it is read: one statement.
    with CaptureQueriesContext(connection) as queries:
        again = search.snippets(parse_query("pay"), [article.pk])
    assert len(queries) == 1 and again == found


@pytest.mark.django_db
def test_a_widened_search_marks_the_name_not_each_common_word_of_it(client, pcs):
    snippet = _page_snippet(client, "PCS members and the union and public services voted.", "pcs")
    assert "<mark>PCS</mark>" in snippet
    assert "<mark>and</mark>" not in snippet and "<mark>union</mark>" not in snippet
