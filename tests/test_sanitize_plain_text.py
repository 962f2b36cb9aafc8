"""Plain text is made into safe HTML by the sanitiser itself, without a second parse by bleach:
its only markup is the paragraphs it writes, everything else is escaped text, and it is exactly
what bleach would give back (run over the hostile corpus and over awkward characters as text).
"""

import random

import html5lib
import pytest

from archive import sanitize as sanitize_module
from archive.sanitize import sanitize
from tests.sanitize_cases import hostile_params

AWKWARD = {
    "markup-characters": "a & b < c > d \"e\" 'f' &amp; &lt;p&gt; &#60; &#x3C; &copy &nbsp;",
    "tags-and-comments": "<p>x</p><script>alert(1)</script><!-- c --> <![CDATA[ d ]]> </p>",
    "controls": "a\x00b\x01c\x0bd\x7fe\x1ff \x80\x85\x9f",
    "white-space": " \t lead\f\xa0 and\u2003trail \u3000\n\n\u2028 x \u2029\r\n\r\ny  ",
    "noncharacters": "\ufffe\uffff\ufdd0\U0001fffe\U0010ffff \ufeffbom",
    "surrogates": "a\ud800b\udfffc",
    "astral-and-combining": "\U0001f600 e\u0301 \u200b\u00ad",
    "one-line": "no paragraphs at all",
    "blank": " \n\t\n ",
}


def _payloads() -> list:
    return [pytest.param(text, id=name) for name, text in AWKWARD.items()] + hostile_params()


def _only_paragraphs(body_html: str) -> bool:
    fragment = html5lib.parseFragment(
        body_html, container="div", treebuilder="etree", namespaceHTMLElements=False
    )
    return all(element.tag == "p" for element in fragment.iter() if element is not fragment)


@pytest.mark.parametrize("payload", _payloads())
def test_plain_text_is_escaped_paragraphs_that_bleach_gives_back_unchanged(payload):
    body = sanitize(payload, "text").body_html
    assert _only_paragraphs(body), body
    assert sanitize_module._clean_with_bleach(body) == body


def test_random_plain_text_is_what_bleach_gives_back_unchanged():
    pieces = [
        *"&<>;#\"' \t\n\r\f\xa0x0",
        "&amp;",
        "&lt;",
        "<p>",
        "</p>",
        "<!--",
        "\u2028",
        "\ufffe",
    ]
    rnd = random.Random(8)  # noqa: S311 - repeatable test data
    for _ in range(500):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40)))
        text += "".join(chr(rnd.randint(0, 0x10FFFF)) for _ in range(rnd.randint(0, 8)))
        body = sanitize(text, "text").body_html
        assert sanitize_module._clean_with_bleach(body) == body, repr(text)
        assert _only_paragraphs(body), repr(text)


def test_plain_text_is_not_passed_through_bleach_but_html_still_is(monkeypatch):
    calls = []

    def cleaner(blocks):
        calls.append(sanitize_module._serialise(blocks))
        return original(blocks)

    original = sanitize_module._clean_tree_with_bleach
    monkeypatch.setattr(sanitize_module, "_clean_tree_with_bleach", cleaner)
    body = sanitize("Pay & pensions\n\n<b>strike</b>", "text").body_html
    assert body == "<p>Pay &amp; pensions</p>\n<p>&lt;b&gt;strike&lt;/b&gt;</p>"
    assert calls == []
    assert sanitize("<p>Pay &amp; pensions</p>", "html").body_html == "<p>Pay &amp; pensions</p>"
    assert calls == ["<p>Pay &amp; pensions</p>"]
