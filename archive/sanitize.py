"""Turn an article's original (HTML or plain text) into the safe body HTML the archive stores.

One entry point, `sanitize`, used by the importer and by `Article.save()` (on every save, so its
output must come back unchanged when cleaned again). The steps for HTML:

1. Refuse input over `settings.ARCHIVE_MAX_ORIGINAL_BYTES` (UTF-8 bytes).
2. Parse it as a browser does (html5lib). The parser's stack of open elements is capped at
   `MAX_DEPTH`, so a deeply nested document is refused after a linear scan instead of costing
   time that grows with the square of its depth (in html5lib, and again in bleach).
3. Walk the body and rebuild it from scratch in a small, fixed vocabulary: one paragraph per
   source paragraph (loose text in a wrapper such as a ``div`` becomes its own paragraph),
   sub-headings, quotations, lists, emphasis and links. Presentational wrappers are unwrapped;
   head, scripts, styles, embedded content and forms are dropped with their contents; images
   leave their alt text (or, in a figure, their caption). The first ``h1`` becomes the title.
   SVG and MathML are unwrapped like unknown elements, keeping their text as text: an unclosed
   ``<math>`` or ``<svg>`` holds everything after it, which must never be lost with it.
4. Pass the result through bleach with the allowlists below, as a second, independent gate:
   bleach's filter walks the rebuilt tree and bleach writes what passes, exactly as its clean
   of the rebuilt body written out would (it is not written out and parsed a second time).

Plain text becomes escaped paragraphs, written directly as step 3 would rebuild them. Its only
markup is the ``<p>`` written here, so it skips step 4: bleach gives it back unchanged
(tests/test_sanitize_plain_text.py runs the hostile corpus as text to show it), and parsing it
again was two thirds of the time its cleaning took.
"""

from __future__ import annotations

import html
import math
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

import bleach
import html5lib
from bleach.sanitizer import BleachSanitizerFilter
from django.conf import settings

from archive.recent import recent

# The allowlists: the only elements and attributes a stored body may contain.
ALLOWED_TAGS = frozenset("p br h2 h3 h4 blockquote q cite em strong b i ul ol li a".split())
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "rel"})}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

# Open elements (below html and body) a document may nest before it is refused.
MAX_DEPTH = 100

# How source elements are treated when the body is rebuilt.
INLINE_TAGS = frozenset({"em", "strong", "b", "i", "q", "cite"})
HEADING_TAGS = {"h1": "h1", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
LIST_TAGS = {"ul": "ul", "ol": "ol", "menu": "ul", "dir": "ul"}
DROPPED_TAGS = frozenset(
    (
        "head title meta link base script style template noscript noembed noframes frameset "
        "frame iframe object embed applet param audio video source track canvas map area form "
        "input button select option optgroup datalist textarea keygen output progress meter "
        "dialog xmp plaintext"
    ).split()
)
# Wrappers that end the paragraph before them and start a new one after them (li only when it
# stands outside any list). Everything not named here or above is unwrapped: font, span, time...
BLOCK_WRAPPER_TAGS = frozenset(
    (
        "html body div center section article main aside header footer nav address figure "
        "figcaption details summary hgroup fieldset legend search table caption thead tbody "
        "tfoot tr td th dl dt dd hr pre listing li marquee"
    ).split()
)
# SVG and MathML elements dropped with their contents (by local name): scripts, styles and the
# like, and an SVG's hidden title, description and metadata (an icon's "Share" is not text).
FOREIGN_DROPPED_TAGS = DROPPED_TAGS | frozenset({"title", "desc", "metadata"})
PREFORMATTED_TAGS = frozenset({"pre", "listing"})
_BLOCK_OUTPUT_TAGS = frozenset({"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li"})

_MB = 1024 * 1024
_WHITESPACE = re.compile("[ \t\n\r\f\xa0]+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_URL_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_URL_UNSAFE = {'"': "%22", "<": "%3C", ">": "%3E", "`": "%60", " ": "%20", "\f": "%0C"}


def _character_table() -> dict[int, str | None]:
    """Source characters to fix before parsing.

    No-break spaces become spaces (MSHTML writes them even between a tag's attributes);
    C1 controls, which only appear when Windows-1252 text was decoded as Latin-1, become the
    Windows-1252 characters; other control characters and lone surrogates are removed.
    """
    table: dict[int, str | None] = {0xA0: " ", 0x7F: None}
    for code in range(0x20):
        if chr(code) not in "\t\n\r\f":
            table[code] = None
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            table[code] = None
    for code in range(0xD800, 0xE000):
        table[code] = None
    return table


_CHARACTERS = _character_table()


class SanitizeError(ValueError):
    """The original cannot be cleaned; the message says why in a few words."""


@dataclass(frozen=True)
class Sanitized:
    title: str  # the document's own <h1> text ('' if none); always '' for plain text
    body_html: str  # safe body HTML


def sanitize(source: str, fmt: str = "html", *, max_bytes: int | None = None) -> Sanitized:
    """Clean an original ("html" or "text") into a title and safe body HTML.

    Raises SanitizeError when the source is too large (over `max_bytes` in UTF-8, by default
    settings.ARCHIVE_MAX_ORIGINAL_BYTES) or nested too deeply.
    """
    if fmt not in ("html", "text"):
        raise ValueError(f"unknown format {fmt!r} (expected 'html' or 'text')")
    _check_size(source, settings.ARCHIVE_MAX_ORIGINAL_BYTES if max_bytes is None else max_bytes)
    source = source.translate(_CHARACTERS)
    if fmt == "text":
        body_html = _text_html(source)
        _issue(body_html)
        return Sanitized(title="", body_html=body_html)
    builder = _Builder()
    body = _parse_body(source)
    if body is not None:
        builder.walk_children(body)
    body_html = _clean_tree_with_bleach(builder.finish())
    _issue(body_html)
    return Sanitized(title=builder.title or "", body_html=body_html)


# --- Knowing clean output again --------------------------------------------------------------
#
# Cleaning is a fixed point: the sanitiser's output comes back unchanged when cleaned again,
# and so does any run of its top-level blocks (the builder rebuilds each top-level block on its
# own and drops white space between them). So a body that is a recent output of `sanitize`, or
# some of its top-level blocks in order (a writer that left out a headline, a byline or page
# furniture), need not be parsed again to be known clean: `known_clean` gives what cleaning it
# would give, by comparing it with the outputs this process issued (or a fork of it running
# this same code, handed over with `adopt_from_own_fork`), never by trusting the body itself.

ISSUED_KEPT = 8  # the last outputs remembered (an import makes one to three a file)
# Each thread's own outputs (a writer cleans and saves in one thread): no lock to share, none
# for a forked child (archive.import_budget) to inherit held.
_issued_here = threading.local()
_TAG_EVENT = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")
_VOID = frozenset({"br"})


def _issue(body_html: str) -> None:
    blocks = _top_level_blocks(body_html)
    if blocks is None:
        return
    collecting = getattr(_issued_here, "collecting", None)
    if collecting is not None:
        collecting.append((body_html, blocks))
    _keep(body_html, blocks)


def _keep(body_html: str, blocks: tuple[str, ...]) -> None:
    issued = _issued()
    issued.pop(body_html, None)
    issued[body_html] = blocks
    while len(issued) > ISSUED_KEPT:
        del issued[next(iter(issued))]


Issued = tuple[str, tuple[str, ...]]  # an output and its top-level blocks


@contextmanager
def issuing() -> Iterator[list[Issued]]:
    """The outputs this thread issues inside the block, in order, with their blocks: for a
    forked reader of the importer (archive.importing.reading) to hand back with what it read."""
    outer = getattr(_issued_here, "collecting", None)
    _issued_here.collecting = collected = []
    try:
        yield collected
    finally:
        _issued_here.collecting = outer


def adopt_from_own_fork(outputs: Iterable[Issued]) -> None:
    """Know outputs that a fork of this process issued (`issuing`) as if issued here.

    Only for this process's own children, which run this same sanitiser: anything else handed
    over must be cleaned, as `known_clean` never trusts a body it did not issue."""
    for body_html, blocks in outputs:
        _keep(body_html, blocks)


def _issued() -> dict[str, tuple[str, ...]]:
    """This thread's recent outputs, oldest first, each with its top-level blocks."""
    issued = getattr(_issued_here, "outputs", None)
    if issued is None:
        issued = _issued_here.outputs = {}
    return issued


def _top_level_blocks(body_html: str) -> tuple[str, ...] | None:
    """The top-level elements of the sanitiser's output (joined by line breaks), or None if
    it is not laid out so (it always is; None only means it is never recognised)."""
    blocks: list[str] = []
    depth = 0
    start = 0
    for match in _TAG_EVENT.finditer(body_html):
        closing, tag = match.group(1), match.group(2)
        if tag in _VOID:
            continue
        if not closing:
            if depth == 0:
                if body_html[start : match.start()] not in ("", "\n"):
                    return None
                start = match.start()
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                blocks.append(body_html[start : match.end()])
                start = match.end()
    if depth or body_html[start:] or "\n".join(blocks) != body_html:
        return None
    return tuple(blocks)


def known_clean(body_html: str) -> str | None:
    """What `sanitize(body_html).body_html` would be, when that is known without parsing it:
    the body is a recent output of the sanitiser, or a run of its top-level blocks in order
    with only white space between them. None otherwise (then clean it)."""
    if not body_html.strip():
        return None
    issued = _issued()
    if body_html in issued:
        return body_html
    for blocks in reversed(issued.values()):
        kept = _blocks_of(body_html, blocks)
        if kept:
            return "\n".join(kept)
    return None


def _blocks_of(body_html: str, blocks: tuple[str, ...]) -> list[str] | None:
    """The blocks (of one output, in order) that make up the body with white space between,
    or None when the body holds anything else."""
    kept: list[str] = []
    position = _skip_space(body_html, 0)
    for block in blocks:
        if position == len(body_html):
            break
        if body_html.startswith(block, position):
            kept.append(block)
            position = _skip_space(body_html, position + len(block))
    return kept if position == len(body_html) else None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\r\f":
        position += 1
    return position


@recent(8)  # the importer and Article.prepare read the same body's text in turn
def html_to_text(body_html: str) -> str:
    """Plain text of clean body HTML, for full-text search and word counts.

    Paragraphs (and headings, list items, quotations) are separated by blank lines; entities
    are decoded and whitespace within a paragraph is collapsed to single spaces.
    """
    text = _text_of_own_markup(body_html)
    if text is None:  # markup the sanitiser never writes: read it as any HTML
        extractor = _TextExtractor()
        extractor.feed(body_html)
        extractor.close()
        text = "\n\n".join(extractor.paragraphs)
    return text


def without_leading_repeats(
    body_html: str, texts: list[str], headlines: list[str] = (), most: int = 2
) -> str:
    """Clean body HTML less its first blocks (at most `most`) that only repeat what is shown
    above the body: one of `texts`, or one of `headlines` written as a headline (not ending
    like a sentence: a first sentence that only served as a title stays in the text).
    """
    wanted = {_comparable(text) for text in texts if text and text.strip()}
    titles = {_comparable(text) for text in headlines if text and text.strip()}
    rest = body_html
    for _ in range(most):
        block = _LEADING_BLOCK.match(rest)
        if not block:
            break
        text = html_to_text(block.group(0))
        headline = not text.rstrip().endswith(_SENTENCE_ENDS)
        if not (_comparable(text) in wanted or (headline and _comparable(text) in titles)):
            break
        rest = rest[block.end() :]
    return rest if rest.strip() else body_html  # never leave an article without its text


_SENTENCE_ENDS = (".", "!", "?", ":", '"', "”", "’")
_LEADING_BLOCK = re.compile(r"<(p|h2|h3|h4)>(.*?)</\1>\n?", re.DOTALL)


def _comparable(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


# --- Limits ----------------------------------------------------------------------------------


def _check_size(source: str, limit: int) -> None:
    if len(source) * 4 <= limit:  # no UTF-8 character takes more than four bytes
        return
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > limit:
        shown = math.ceil(size / _MB * 10) / 10  # round up: never "5.0 MB (limit 5 MB)"
        raise SanitizeError(f"too large: {shown:.1f} MB (limit {limit / _MB:g} MB)")


class _TooDeep(Exception):
    pass


class _OpenElements(list):
    """html5lib's stack of open elements, refusing to grow past the depth limit."""

    limit = MAX_DEPTH + 2  # html and body are open around every body element

    def append(self, item) -> None:
        if len(self) >= self.limit:
            raise _TooDeep
        super().append(item)

    def insert(self, index, item) -> None:
        if len(self) >= self.limit:
            raise _TooDeep
        super().insert(index, item)


class _DepthLimitedTreeBuilder(html5lib.getTreeBuilder("etree")):
    def reset(self) -> None:
        super().reset()
        self.openElements = _OpenElements()


def _parse_body(source: str):
    """The parsed body element (or None), parsed as a browser parses it, depth-limited.

    Every element the parser opens, including formatting elements it reopens and table cells
    it implies, passes through the capped stack, so the check is exact and each step of the
    parse costs at most MAX_DEPTH: the whole parse stays linear in the input.
    """
    parser = html5lib.HTMLParser(tree=_DepthLimitedTreeBuilder, namespaceHTMLElements=False)
    try:
        document = parser.parse(source)
    except _TooDeep:
        raise SanitizeError(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    return document.find("body") if document.tag == "html" else document.find("html/body")


# --- Plain text ------------------------------------------------------------------------------


def _text_html(source: str) -> str:
    """Plain text as safe body HTML: each paragraph, its white space collapsed, escaped in a
    ``<p>``, the paragraphs a line apart, exactly as the builder rebuilds them.

    Made here rather than parsed as HTML: the only markup in it is the ``<p>`` written here,
    and every ``&``, ``<`` and ``>`` of the text is escaped, so no tag, comment or entity of
    the source's can survive into it. bleach would give it back unchanged (a test runs the
    hostile corpus both ways), so it is not parsed a second time to be told so.
    """
    blocks = []
    for paragraph in _text_paragraphs(source):
        text = _WHITESPACE.sub(" ", paragraph).strip(" ")
        if text:
            blocks.append(f"<p>{_escape_text(text)}</p>")
    return "\n".join(blocks)


def _text_paragraphs(source: str) -> list[str]:
    """Paragraphs split at blank lines, or at every line break when there are no blank lines."""
    groups: list[list[str]] = [[]]
    for line in re.split(r"\r\n|\r|\n", source):
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    groups = [group for group in groups if group]
    if len(groups) == 1:
        return groups[0]
    return [" ".join(group) for group in groups]


# --- Rebuilding the body ---------------------------------------------------------------------


class _Br:
    def __repr__(self) -> str:
        return "<br>"


_BR = _Br()


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)


@dataclass
class _Container:
    """An output element holding blocks: the root, a blockquote, a list or a list item.

    items holds ("loose", inline children) for text that was not inside a source paragraph or
    heading, and ("block", _Element) for everything else.
    """

    tag: str
    implicit: bool = False
    items: list = field(default_factory=list)


class _Builder:
    """Walks an html5lib etree body and rebuilds it in the allowed vocabulary."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.root = _Container("root")
        self.containers: list[_Container] = [self.root]
        self.kind: str | None = None  # the source block we are in: None (loose), "p", "h2"...
        self.inline: list[tuple[str, dict[str, str]]] = []  # open inline elements kept
        self.paragraph: list | None = None  # inline children of the paragraph being built
        self.cursor: list[list] = []  # children lists, outermost first, of the open inlines
        self.after_br = False
        self.preformatted = 0
        self.quiet_alt = 0

    # Walking the source tree.

    def walk_children(self, element) -> None:
        if element.text:
            self.add_text(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.add_text(child.tail)

    def walk(self, element) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in DROPPED_TAGS:
            return  # comments, and everything dropped with its contents
        if tag.startswith("{"):  # SVG or MathML: keep the text, never the markup
            if tag.rsplit("}", 1)[-1].lower() not in FOREIGN_DROPPED_TAGS:
                self.walk_children(element)
            return
        if tag in INLINE_TAGS:
            self.walk_inline(tag, {}, element)
        elif tag == "a":
            href = _safe_href(element.get("href"))
            if href is None:
                self.walk_children(element)
            else:
                self.walk_inline("a", {"href": href, "rel": LINK_REL}, element)
        elif tag == "br":
            self.add_br()
        elif tag == "img":
            alt = element.get("alt")
            if alt and not self.quiet_alt:
                self.add_text(f" {alt.translate(_CHARACTERS)} ")
        elif tag == "p" or tag in HEADING_TAGS:
            self.walk_block(HEADING_TAGS.get(tag, "p"), element)
        elif tag == "blockquote":
            self.walk_container(_Container("blockquote"), element)
        elif tag in LIST_TAGS:
            self.walk_container(_Container(LIST_TAGS[tag]), element)
        elif tag == "li" and self._in_list():
            self.walk_container(_Container("li"), element)
        elif tag in BLOCK_WRAPPER_TAGS:
            quiet = tag == "figure" and _has_caption(element)
            preformatted = tag in PREFORMATTED_TAGS
            self.quiet_alt += quiet
            self.preformatted += preformatted
            self.end_paragraph()
            self.walk_children(element)
            self.end_paragraph()
            self.quiet_alt -= quiet
            self.preformatted -= preformatted
        else:
            self.walk_children(element)  # font, span, time, u, unknown elements: unwrapped

    def walk_inline(self, tag: str, attrs: dict[str, str], element) -> None:
        if any(open_tag == tag for open_tag, _ in self.inline):
            self.walk_children(element)  # b inside b, a link inside a link: unwrap
            return
        self.inline.append((tag, attrs))
        if self.paragraph is not None:
            self._open_inline(tag, attrs)
        self.walk_children(element)
        self.inline.pop()
        if self.paragraph is not None:
            self.cursor.pop()

    def walk_block(self, kind: str, element) -> None:
        self.end_paragraph()
        outer, self.kind = self.kind, kind
        self.walk_children(element)
        self.end_paragraph()
        self.kind = outer

    def walk_container(self, container: _Container, element) -> None:
        self.end_paragraph()
        if container.tag == "li":
            self._close_implicit_item()
        self.containers.append(container)
        outer, self.kind = self.kind, None
        self.walk_children(element)
        self.end_paragraph()
        self._close_implicit_item()
        self.kind = outer
        self.containers.pop()
        rendered = _render_container(container)
        if rendered is None:
            return
        if container.tag == "li":
            self.containers[-1].items.append(("block", rendered))
        else:
            self._emit(("block", rendered))

    # Adding content.

    def add_text(self, text: str) -> None:
        if self.preformatted and "\n" in text:
            for number, line in enumerate(text.split("\n")):
                if number:
                    self.add_br()
                self.add_text(line)
            return
        text = _WHITESPACE.sub(" ", text)
        if not text:
            return
        if text == " ":
            if self.paragraph is not None:
                self.cursor[-1].append(" ")
            return
        if self.paragraph is None:
            self._start_paragraph()
        self.cursor[-1].append(text)
        self.after_br = False

    def add_br(self) -> None:
        """A line break; two in a row (with only white space between) end the paragraph."""
        if self.paragraph is None:
            return
        if self.after_br:
            self.end_paragraph()
            return
        self.cursor[-1].append(_BR)
        self.after_br = True

    def end_paragraph(self) -> None:
        if self.paragraph is None:
            return
        children = _strip_edges(_normalise(self.paragraph))
        self.paragraph = None
        self.cursor = []
        self.after_br = False
        if not children:
            return
        kind = self.kind
        if kind == "h1":
            if self.title is None:
                self.title = _plain_text(children)
                return
            kind = "h2"
        if kind is None:
            self._emit(("loose", children))
        else:
            self._emit(("block", _Element(kind, {}, children)))

    def finish(self) -> list:
        """The rebuilt body: its top-level nodes (elements, text, line breaks)."""
        self.end_paragraph()
        rendered = _render_container(self.root)
        return rendered.children if rendered else []

    # Helpers.

    def _start_paragraph(self) -> None:
        self.paragraph = []
        self.cursor = [self.paragraph]
        for tag, attrs in self.inline:
            self._open_inline(tag, attrs)

    def _open_inline(self, tag: str, attrs: dict[str, str]) -> None:
        element = _Element(tag, dict(attrs))
        self.cursor[-1].append(element)
        self.cursor.append(element.children)

    def _in_list(self) -> bool:
        container = self.containers[-1]
        return container.tag in ("ul", "ol") or (container.tag == "li" and container.implicit)

    def _emit(self, item: tuple) -> None:
        container = self.containers[-1]
        if container.tag in ("ul", "ol"):  # content loose in a list gets an item of its own
            container = _Container("li", implicit=True)
            self.containers.append(container)
        container.items.append(item)

    def _close_implicit_item(self) -> None:
        container = self.containers[-1]
        if container.tag == "li" and container.implicit:
            self.containers.pop()
            rendered = _render_container(container)
            if rendered is not None:
                self.containers[-1].items.append(("block", rendered))


def _has_caption(figure) -> bool:
    """Whether a figure has a caption with text, which then stands in for its images' alt text."""
    return any("".join(caption.itertext()).strip() for caption in figure.iter("figcaption"))


def _render_container(container: _Container) -> _Element | None:
    """The container as an element, or None when it holds nothing.

    The root, blockquotes and lists wrap loose text in paragraphs. A list item keeps loose
    text inline (beside nested lists) unless it also holds paragraphs, headings or quotations,
    or two runs of loose text follow each other (a paragraph break), in which case every run
    becomes a paragraph. Each choice reproduces itself when the output is cleaned again.
    """
    items = container.items
    if not items:
        return None
    as_blocks = container.tag != "li"
    if not as_blocks:
        for number, (kind, value) in enumerate(items):
            if kind == "block" and value.tag not in ("ul", "ol"):
                as_blocks = True
            elif kind == "loose" and number and items[number - 1][0] == "loose":
                as_blocks = True
    children: list = []
    for kind, value in items:
        if kind == "block":
            children.append(value)
        elif as_blocks:
            children.append(_Element("p", {}, value))
        else:
            children.extend(value)
    return _Element(container.tag, {}, children)


def _safe_href(value: str | None) -> str | None:
    """The URL if it is absolute http, https or mailto, with unsafe characters escaped."""
    if not value:
        return None
    url = _URL_TAB_OR_NEWLINE.sub("", value.translate(_CHARACTERS).strip(_URL_C0_AND_SPACE))
    match = _SCHEME.match(url)
    if not match or match.group(1).lower() not in ALLOWED_PROTOCOLS:
        return None
    return "".join(_URL_UNSAFE.get(char, char) for char in url)


# --- Inline normalisation --------------------------------------------------------------------


def _normalise(items: list) -> list:
    """Tidy inline children so that cleaning them again changes nothing.

    Runs of white space become one space; white space and line breaks at the edges of an
    inline element move outside it; elements left empty disappear; no space touches a line
    break and no two line breaks touch.
    """
    out: list = []
    for item in items:
        if isinstance(item, str):
            out.append(_WHITESPACE.sub(" ", item))
        elif item is _BR:
            out.append(_BR)
        else:
            children = _normalise(item.children)
            lead: list = []
            while children and (children[0] is _BR or children[0] == " "):
                lead.append(children.pop(0))
            if children and isinstance(children[0], str) and children[0].startswith(" "):
                lead.append(" ")
                children[0] = children[0][1:]
            trail: list = []
            while children and (children[-1] is _BR or children[-1] == " "):
                trail.insert(0, children.pop())
            if children and isinstance(children[-1], str) and children[-1].endswith(" "):
                trail.insert(0, " ")
                children[-1] = children[-1][:-1]
            out.extend(lead)
            if children:
                out.append(_Element(item.tag, item.attrs, children))
            out.extend(trail)
    return _tidy(out)


def _tidy(items: list) -> list:
    merged: list = []
    for item in items:
        if isinstance(item, str):
            if not item:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] = (merged[-1] + item).replace("  ", " ")
            else:
                merged.append(item)
        else:
            merged.append(item)
    out: list = []
    for item in merged:
        if item is _BR:
            if out and isinstance(out[-1], str):
                out[-1] = out[-1].rstrip(" ")
                if not out[-1]:
                    out.pop()
            if out and out[-1] is _BR:
                continue
            out.append(_BR)
        elif isinstance(item, str) and out and out[-1] is _BR:
            item = item.lstrip(" ")
            if item:
                out.append(item)
        else:
            out.append(item)
    return out


def _strip_edges(items: list) -> list:
    """A paragraph's children without white space or line breaks at either end."""
    items = list(items)
    while items and (items[0] is _BR or items[0] == " "):
        items.pop(0)
    while items and (items[-1] is _BR or items[-1] == " "):
        items.pop()
    if items and isinstance(items[0], str):
        items[0] = items[0].lstrip(" ")
    if items and isinstance(items[-1], str):
        items[-1] = items[-1].rstrip(" ")
    return items


def _plain_text(items: list) -> str:
    parts: list[str] = []

    def collect(children: list) -> None:
        for child in children:
            if isinstance(child, str):
                parts.append(child)
            elif child is _BR:
                parts.append(" ")
            else:
                collect(child.children)

    collect(items)
    return _WHITESPACE.sub(" ", "".join(parts)).strip()


# --- Output ----------------------------------------------------------------------------------


def _serialise(blocks: list) -> str:
    """The rebuilt body written out as HTML. The sanitiser hands bleach the tree instead
    (`_bleach_tree`); this is the reference the tests hold that tree to: bleach's clean of
    this string must give what `_clean_tree_with_bleach` gives. Change both together."""
    out: list[str] = []
    _write(blocks, out)
    return "".join(out)


def _write(nodes: list, out: list[str]) -> None:
    """Serialise as html5lib does, with a line break between neighbouring blocks."""
    previous = None
    for node in nodes:
        if isinstance(node, str):
            out.append(_escape_text(node))
        elif node is _BR:
            out.append("<br>")
        else:
            if _is_block(node) and _is_block(previous):
                out.append("\n")
            attrs = "".join(f' {name}="{_escape_attribute(v)}"' for name, v in node.attrs.items())
            out.append(f"<{node.tag}{attrs}>")
            _write(node.children, out)
            out.append(f"</{node.tag}>")
        previous = node


def _is_block(node) -> bool:
    return isinstance(node, _Element) and node.tag in _BLOCK_OUTPUT_TAGS


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    return name in ALLOWED_ATTRIBUTES.get(tag, ()) and (name != "rel" or value == LINK_REL)


_cleaners = threading.local()  # bleach's Cleaner is not thread-safe


def _cleaner() -> bleach.Cleaner:
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return cleaner


def _clean_with_bleach(body_html: str) -> str:
    """bleach's clean of an HTML string: it parses the string, filters and writes it."""
    return _cleaner().clean(body_html)


def _clean_tree_with_bleach(blocks: list) -> str:
    """bleach's clean of the rebuilt body, without writing it out and parsing it again.

    bleach's clean (`Cleaner.clean`, bleach 6) parses its input into a tree, walks it through
    its allowlist filter and any filters the cleaner has, and writes what passes. The body was
    rebuilt as a tree here, from a browser's parse of the source, so the walk starts from that
    tree (`_bleach_tree`): the allowlist, the URL checks and the writing out are bleach's, as
    in `_clean_with_bleach`, and the output is the same (tests/test_sanitize_walks_its_own_tree.py
    compares the two over the hostile corpus and generated markup).
    """
    if not blocks:
        return ""
    cleaner = _cleaner()
    filtered = BleachSanitizerFilter(
        source=cleaner.walker(_bleach_tree(blocks)),
        allowed_tags=cleaner.tags,
        attributes=cleaner.attributes,
        strip_disallowed_tags=cleaner.strip,
        strip_html_comments=cleaner.strip_comments,
        css_sanitizer=cleaner.css_sanitizer,
        allowed_protocols=cleaner.protocols,
    )
    for filter_class in cleaner.filters:  # none today; as Cleaner.clean applies them
        filtered = filter_class(source=filtered)
    return cleaner.serializer.render(filtered)


def _bleach_tree(blocks: list) -> ElementTree.Element:
    """The tree bleach's parser makes of `_serialise(blocks)`: an ElementTree fragment whose
    text and attribute values are as that string writes them (bleach's parser leaves character
    references as written; its filter reads and keeps them).

    True of what the builder makes, and only of that: tags from ALLOWED_TAGS, paragraphs and
    headings holding only inline content, list items only in lists, text without carriage
    returns or NUL (the source's characters are mended before parsing). Other blocks, which
    a parser would restructure, are not its input.
    """
    root = ElementTree.Element("DOCUMENT_FRAGMENT")
    _grow(root, blocks)
    return root


def _grow(parent: ElementTree.Element, nodes: list) -> None:
    """Add the nodes to `parent` as `_write` writes them: text escaped, a line break between
    neighbouring blocks."""
    last = None  # the child element whose tail holds the text after it
    previous = None
    for node in nodes:
        if isinstance(node, str):
            _add_text(parent, last, _escape_text(node))
        elif node is _BR:
            last = ElementTree.SubElement(parent, "br")
        else:
            if _is_block(node) and _is_block(previous):
                _add_text(parent, last, "\n")
            attrs = {name: _escape_attribute(value) for name, value in node.attrs.items()}
            last = ElementTree.SubElement(parent, node.tag, attrs)
            _grow(last, node.children)
        previous = node


def _add_text(parent: ElementTree.Element, last: ElementTree.Element | None, text: str) -> None:
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


# --- Plain text of clean HTML ----------------------------------------------------------------


# A tag as the sanitiser writes it: a lower-case name; a start tag's attributes in double
# quotes, holding no < or > (its links escape both); an end tag, none.
_OWN_TAG = re.compile(r'<(?:/([a-z0-9]+)|([a-z0-9]+)(?: [a-z]+="[^"<>]*")*)>')


def _text_of_own_markup(body_html: str) -> str | None:
    """What `_TextExtractor` reads from markup in the sanitiser's own vocabulary, read with
    one regular expression instead of a parser; None for any other markup: a tag outside
    the vocabulary or not written as the sanitiser writes it, or a ``<`` that opens none of
    its tags (tests/test_plain_text_of_clean_html.py)."""
    paragraphs: list[str] = []
    current: list[str] = []
    position = 0
    for tag in _OWN_TAG.finditer(body_html):
        closing, name = tag.group(1) is not None, tag.group(1) or tag.group(2)
        between = body_html[position : tag.start()]
        if name not in ALLOWED_TAGS or "<" in between:
            return None
        current.append(html.unescape(between))  # as the parser decodes text, piece by piece
        position = tag.end()
        if name in _TextExtractor.BREAKS:
            _end_paragraph(paragraphs, current)
            current = []
        elif name == "br" and not closing:
            current.append(" ")
    rest = body_html[position:]
    if "<" in rest:
        return None
    current.append(html.unescape(rest))
    _end_paragraph(paragraphs, current)
    return "\n\n".join(paragraphs)


def _end_paragraph(paragraphs: list[str], pieces: list[str]) -> None:
    text = _WHITESPACE.sub(" ", "".join(pieces)).strip()
    if text:
        paragraphs.append(text)


class _TextExtractor(HTMLParser):
    BREAKS = frozenset(
        {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "div"}
    )
    SKIPPED = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.BREAKS:
            self._break()
        elif tag == "br":
            self.current.append(" ")
        elif tag in self.SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self._break()
        elif tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def close(self) -> None:
        super().close()
        self._break()

    def _break(self) -> None:
        _end_paragraph(self.paragraphs, self.current)
        self.current = []
