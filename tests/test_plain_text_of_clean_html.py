"""The plain text of a clean body (for search, word counts, teasers) is read from the
sanitiser's own markup with a regular expression, and is exactly what an HTML parser reads
from it; any other markup is read by the parser."""

import pytest

from archive import sanitize as sanitize_module
from archive.sanitize import html_to_text, sanitize
from tests.sanitize_cases import markup_params


def _parsed(body_html: str) -> str:
    extractor = sanitize_module._TextExtractor()
    extractor.feed(body_html)
    extractor.close()
    return "\n\n".join(extractor.paragraphs)


EVERY_KIND_OF_OWN_MARKUP = (
    '<h1>T</h1><p>A &amp; B&nbsp;C &lt;x&gt; &copy; <a href="https://e.org/?a=1&b=2">'
    "link</a><br>line</p><ul><li>one<li><p>two</p></ul><blockquote>q</blockquote>"
)


@pytest.mark.parametrize(
    "source",
    [*markup_params(seed=9), pytest.param(EVERY_KIND_OF_OWN_MARKUP, id="every-kind-of-own-markup")],
)
def test_text_of_clean_body_is_what_an_html_parser_reads(source):
    body_html = sanitize(source, "html").body_html
    own = sanitize_module._text_of_own_markup(body_html)
    assert own is not None, body_html  # clean output is always read the quick way
    assert own == _parsed(body_html)
    assert html_to_text(body_html) == own


@pytest.mark.parametrize(
    "body_html, text",
    [
        ("<div>x<script>hidden</script>y</div>", "xy"),
        ("<p>a</p><!-- comment --><p>b</p>", "a\n\nb"),
        ("<P>upper</P><p class=x>unquoted</p>", "upper\n\nunquoted"),
        ("<p>a < b</p>", "a < b"),
        ("<p><span>inline</span> text</p>", "inline text"),
        # An end tag ends at its first ">" for the parser, whatever quotes come before it.
        ('<p>a</p a=">">tail</p>', 'a\n\n">tail'),
        ('</b a=">">x', '">x'),
        ('<a href="x>y">z</a>', "z"),  # a > in a value: the sanitiser writes %3E
    ],
)
def test_markup_the_sanitiser_never_writes_is_read_by_the_parser(body_html, text):
    assert sanitize_module._text_of_own_markup(body_html) is None
    assert html_to_text(body_html) == text == _parsed(body_html)
