"""bleach cleans the body the sanitiser rebuilt by walking its tree, not by parsing it again.

The output must be exactly what bleach's own clean gives for the rebuilt body written out as
HTML (the way it was cleaned before): over the representative hostile cases, the shared hostile
corpus when it is beside the repository, and generated markup full of character references,
links and nesting.
"""

import pytest

from archive import sanitize as sanitize_module
from archive.sanitize import sanitize
from tests.sanitize_cases import markup_params


@pytest.mark.parametrize("source", markup_params(seed=8))
def test_cleaning_the_rebuilt_tree_gives_what_bleach_gives_parsing_it_again(source, monkeypatch):
    walked = sanitize(source, "html")
    monkeypatch.setattr(
        sanitize_module,
        "_clean_tree_with_bleach",
        lambda blocks: sanitize_module._clean_with_bleach(sanitize_module._serialise(blocks)),
    )
    parsed = sanitize(source, "html")
    assert walked == parsed


def test_the_tree_bleach_walks_is_the_tree_its_parser_makes_of_the_written_body():
    """Text and attribute values keep their character references, as bleach's parser leaves
    them; line breaks separate neighbouring blocks; bleach's allowlist still applies (a rel
    other than the archive's own is dropped)."""
    blocks = [
        sanitize_module._Element(
            "p",
            {},
            [
                "A & B < C ",
                sanitize_module._Element(
                    "a", {"href": 'https://e.org/?a=1&b="2"', "rel": "nofollow"}, ["link"]
                ),
                sanitize_module._BR,
                "after",
            ],
        ),
        sanitize_module._Element("h2", {}, ["Next"]),
    ]
    tree = sanitize_module._bleach_tree(blocks)
    paragraph, heading = list(tree)
    assert paragraph.text == "A &amp; B &lt; C "
    link, br = list(paragraph)
    assert link.get("href") == "https://e.org/?a=1&amp;b=&quot;2&quot;"
    assert (link.text, br.tag, br.tail) == ("link", "br", "after")
    assert paragraph.tail == "\n" and heading.text == "Next"
    assert sanitize_module._clean_tree_with_bleach(blocks) == (
        '<p>A &amp; B &lt; C <a href="https://e.org/?a=1&amp;b=&quot;2&quot;">'
        "link</a><br>after</p>\n<h2>Next</h2>"
    )
