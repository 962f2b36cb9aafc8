"""Hostile HTML comes out harmless: the six invariants of ../shared/security/README.md.

Every vector of the shared corpus is checked when ../shared/security is present (the tests skip,
saying why, when it is not); the representative cases in tests/sanitize_cases.py always run.
Both go through `invariant_violations`, which checks the tree a browser would build from the
clean output (html5lib, SVG and MathML included), never the text with regular expressions.
"""

import unicodedata

import html5lib
import pytest
from html5lib.serializer import HTMLSerializer

from archive.sanitize import Sanitized, sanitize
from tests.sanitize_cases import HOSTILE_CASES, VECTORS, corpus_vectors

FORBIDDEN_ELEMENTS = frozenset(
    "script style iframe frame object embed applet base meta link form set foreignobject".split()
)
RESOURCE_ATTRIBUTES = frozenset("src srcset poster background data dynsrc lowsrc".split())
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:", "mhtml:")

# html5lib's serialiser set up to write what the sanitiser writes (and bleach writes).
SERIALIZER = HTMLSerializer(
    quote_attr_values="always",
    omit_optional_tags=False,
    escape_lt_in_attrs=True,
    use_trailing_solidus=False,
    minimize_boolean_attributes=False,
    alphabetical_attributes=False,
)
WALKER = html5lib.getTreeWalker("etree")


def _local_name(name: str) -> str:
    """'{http://www.w3.org/2000/svg}foreignObject' -> 'foreignobject'; 'xlink:href' -> 'href'."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _squeeze(value: str) -> str:
    """The value without whitespace or control/format characters, lower-cased."""
    return "".join(
        char for char in value if not (char.isspace() or unicodedata.category(char)[0] in "CZ")
    ).lower()


def invariant_violations(payload: str, clean_with=sanitize) -> list[str]:
    """What is wrong with sanitize(payload): an empty list when all six invariants hold."""
    clean = clean_with(payload, "html").body_html
    problems = []
    fragment = html5lib.parseFragment(clean, container="div", treebuilder="etree")
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = _local_name(element.tag)
        # 1. No scripting, styling, embedding or form elements, no SVG animation.
        if tag in FORBIDDEN_ELEMENTS or tag.startswith("animate"):
            problems.append(f"1: element <{tag}>")
        for name, value in element.attrib.items():
            attribute = _local_name(name)
            if attribute == "srcdoc":
                problems.append("1: srcdoc attribute")
            # 2. No event handlers.
            if attribute.startswith("on"):
                problems.append(f"2: handler attribute {attribute}")
            # 3. No dangerous URL scheme, however it is padded.
            if _squeeze(value).startswith(DANGEROUS_SCHEMES):
                problems.append(f"3: {attribute}={value!r}")
            # 4. No external resources, no style.
            if attribute in RESOURCE_ATTRIBUTES or attribute == "style":
                problems.append(f"4: attribute {attribute}={value!r}")
    # 5. Idempotent.
    again = clean_with(clean, "html")
    if again.body_html != clean or again.title:
        problems.append(f"5: cleaning again gives {again.body_html!r} (title {again.title!r})")
    # 6. Stable under parse and serialise.
    reserialised = SERIALIZER.render(WALKER(fragment))
    if reserialised != clean:
        problems.append(f"6: parsing and serialising gives {reserialised!r}")
    if problems:
        problems.append(f"clean output was {clean!r}")
    return problems


def _corpus_params() -> list:
    if not VECTORS.is_file():
        reason = f"shared hostile corpus not found at {VECTORS} (runs only beside ../shared)"
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(v["payload"], id=f"{v['group']}-{v['id']}") for v in corpus_vectors()]


@pytest.mark.parametrize("payload", _corpus_params())
def test_shared_corpus_vector_comes_out_harmless(payload):
    assert invariant_violations(payload) == []


@pytest.mark.skipif(not VECTORS.is_file(), reason=f"shared hostile corpus not found at {VECTORS}")
def test_shared_corpus_is_read_whole_with_unique_ids():
    vectors = corpus_vectors()
    ids = [v["id"] for v in vectors]
    assert len(ids) == len(set(ids)) >= 242
    assert all(isinstance(v["payload"], str) and v["payload"] for v in vectors)


@pytest.mark.parametrize("payload", HOSTILE_CASES.values(), ids=HOSTILE_CASES.keys())
def test_representative_hostile_case_comes_out_harmless(payload):
    assert invariant_violations(payload) == []


def test_the_checker_notices_each_kind_of_violation():
    """Guard the guard: a sanitiser that lets hostile markup through must fail the checks."""

    def careless(source, fmt="html"):
        return Sanitized("", source)

    for payload, expected in [
        ("<script>x</script>", "1:"),
        ("<svg><animate></animate></svg>", "1:"),
        ('<b onclick="x">b</b>', "2:"),
        ('<a href=" java\tscript:x">a</a>', "3:"),
        ('<p style="color: red">p</p>', "4:"),
        ("<img src=http://x/y.png>", "4:"),
        ("<p>a<p>b", "6:"),
    ]:
        problems = invariant_violations(payload, clean_with=careless)
        assert any(p.startswith(expected) for p in problems), payload
