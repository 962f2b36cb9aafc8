"""archive.sanitize turns originals (HTML or plain text) into the safe body HTML the archive stores.

The seed tests read ../shared/seeds and skip without it; the inline samples pin the same
behaviour on any machine. Hostile input is in test_sanitize_hostile_corpus.py.
"""

import html
import re
import time
from pathlib import Path

import pytest

from archive.sanitize import (
    ALLOWED_TAGS,
    LINK_REL,
    MAX_DEPTH,
    Sanitized,
    SanitizeError,
    html_to_text,
    sanitize,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")

# A saved MSHTML e-mail in small: no-break spaces between attributes, FONT, sizcache, a hotlinked
# image in a figure with a caption, a TIME element, a stand-first and a link.
MSHTML_SAMPLE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">
<HTML><HEAD><TITLE>Page title</TITLE>
<META\xa0name=GENERATOR\xa0content="MSHTML 8.00.7600.16700">
<STYLE>P { color: red }</STYLE><SCRIPT>var tracking = 1;</SCRIPT></HEAD>
<BODY\xa0style="PADDING-LEFT: 10px" id=MailContainerBody>
<H1>Council to cut\xa0jobs</H1>
<P\xa0id=stand-first\xa0class=stand-first-alone>Unions promise\xa0a
fight</P>
<DIV\xa0class="full-line tweet" sizcache="0" sizset="58"><A\xa0href="http://www.example.co.uk/"><FONT
color=#005689>example.co.uk</FONT></A>, <TIME pubdate datetime="2011-01-28T14:26GMT">Friday 28
January 2011</TIME> </DIV>
<DIV\xa0class="full-line" sizcache="0"> </DIV>
<DIV\xa0id=content sizcache="6"><FIGURE><DIV><FONT size=1><IMG alt="A picket line"
src="http://static.example.co.uk/picket.jpg" width=460 height=276></FONT></DIV>
<DIV><FIGCAPTION><FONT size=1>Strikers outside the
town hall. Photograph: Agency</FIGCAPTION></FIGURE></FONT></DIV>
<P\xa0data-global-auto-refresh-switch="on">The council plans to make £141m of savings by
2013.</P>
<P\xa0data-global-auto-refresh-switch="on">"It's a disgrace," said the branch
secretary.</P></DIV></BODY></HTML>
"""

PLAIN_TEXT_SAMPLE = "Strike called\n\nMembers voted 3 to 1\nfor action.\n\n<b>Pay</b> & pensions\n"


def paragraphs(body_html: str) -> list[str]:
    """The text of each <p> in clean output."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", p))
        for p in re.findall(r"<p>(.*?)</p>", body_html, re.S)
    ]


def tags(body_html: str) -> set[str]:
    return {name.lower() for name in re.findall(r"<([a-zA-Z][^\s/>]*)", body_html)}


def seed(name_prefix: str) -> str:
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# --- Full saved pages -------------------------------------------------------------------------


def test_h1_becomes_title_not_body():
    result = sanitize("<h1>Strike  called</h1><p>Members walked out.</p>")
    assert result.title == "Strike called"
    assert result.body_html == "<p>Members walked out.</p>"


def test_later_h1_becomes_a_sub_heading_and_h5_h6_become_h4():
    result = sanitize("<h1>Title</h1><h1>Second</h1><h3>Three</h3><h5>Five</h5><h6>Six</h6>")
    assert result.title == "Title"
    assert result.body_html == "<h2>Second</h2>\n<h3>Three</h3>\n<h4>Five</h4>\n<h4>Six</h4>"


def test_clean_body_with_sub_headings_gives_no_title_and_loses_nothing():
    body = "<h2>Background</h2>\n<p>Text.</p>"
    assert sanitize(body) == Sanitized(title="", body_html=body)


def test_mshtml_sample_keeps_one_paragraph_per_source_paragraph():
    result = sanitize(MSHTML_SAMPLE)
    assert result.title == "Council to cut jobs"
    assert result.body_html == (
        "<p>Unions promise a fight</p>\n"
        f'<p><a href="http://www.example.co.uk/" rel="{LINK_REL}">example.co.uk</a>,'
        " Friday 28 January 2011</p>\n"
        "<p>Strikers outside the town hall. Photograph: Agency</p>\n"
        "<p>The council plans to make £141m of savings by 2013.</p>\n"
        '<p>"It\'s a disgrace," said the branch secretary.</p>'
    )


def test_mshtml_sample_drops_head_wrappers_and_presentational_attributes():
    body = sanitize(MSHTML_SAMPLE).body_html
    unwanted = "Page title|tracking|color|font|sizcache|img|style|class|id=|time|figure|div|.jpg"
    for word in [*unwanted.split("|"), "\xa0"]:
        assert word.lower() not in body.lower(), word
    assert tags(body) <= ALLOWED_TAGS


def test_mshtml_sample_keeps_pound_sign_as_a_character():
    body = sanitize(MSHTML_SAMPLE).body_html
    assert "£141m" in body
    assert "&#" not in body and "&pound;" not in body


def test_stand_first_paragraph_is_just_a_paragraph():
    body = sanitize('<p id="stand-first" class="stand-first">Unions promise a fight</p>').body_html
    assert body == "<p>Unions promise a fight</p>"


def test_text_loose_in_a_div_becomes_its_own_paragraph():
    body = sanitize(
        "<div>Loose before<p>A paragraph</p>loose after<div>inner</div></div>"
    ).body_html
    assert paragraphs(body) == ["Loose before", "A paragraph", "loose after", "inner"]


def test_no_empty_paragraphs():
    body = sanitize("<p></p><div>&nbsp;</div><p> <span> </span><br></p><p><b> </b></p>").body_html
    assert body == ""


def test_whitespace_inside_a_paragraph_is_collapsed():
    body = sanitize("<p>  Members\n   voted <b> to </b>\tstrike.&nbsp; Again.  </p>").body_html
    assert body == "<p>Members voted <b>to</b> strike. Again.</p>"


def test_head_scripts_styles_and_forms_are_dropped_with_their_contents():
    body = sanitize(
        "<head><title>T</title><style>p{}</style></head><p>Kept</p><script>var x;</script>"
        "<noscript>Enable JS</noscript><form><button>Share</button><textarea>c</textarea></form>"
        "<iframe>frame</iframe><svg><title>Share</title><style>p{}</style></svg>"
        "<math><script>x</script></math>"
    ).body_html
    assert body == "<p>Kept</p>"


def test_images_are_dropped_but_alt_text_kept():
    body = sanitize(
        '<p>Before <img src="http://x.example/s.gif" alt="[logo]"> after</p>'
        '<div><img src="http://x.example/p.jpg" alt="Pickets at the gate"></div>'
        '<img src="http://x.example/1x1.gif" width=1 height=1>'
    ).body_html
    assert body == "<p>Before [logo] after</p>\n<p>Pickets at the gate</p>"


def test_figure_caption_is_kept_instead_of_the_image_alt_text():
    body = sanitize(
        '<figure><img src="http://x.example/p.jpg" alt="Photo"><figcaption>Pickets, 2011'
        "</figcaption></figure>"
    ).body_html
    assert body == "<p>Pickets, 2011</p>"


@pytest.mark.parametrize(
    "href, kept",
    [
        ("http://www.example.co.uk/a?b=1&c=2", "http://www.example.co.uk/a?b=1&amp;c=2"),
        ("https://example.org/", "https://example.org/"),
        ("  HTTPS://example.org/x\n", "HTTPS://example.org/x"),
        ("mailto:branch@example.org", "mailto:branch@example.org"),
        ("javascript:alert(1)", None),
        ("JaVa\tScRiPt:alert(1)", None),
        ("vbscript:x", None),
        ("data:text/html,x", None),
        ("ftp://example.org/", None),
        ("/relative/page", None),
        ("//example.org/protocol-relative", None),
        ("#section", None),
    ],
)
def test_links_get_rel_nofollow_and_only_safe_schemes(href, kept):
    body = sanitize(f'<p><a href="{html.escape(href)}" target=_blank class=x>the link</a></p>')
    if kept is None:
        assert body.body_html == "<p>the link</p>"
    else:
        assert body.body_html == f'<p><a href="{kept}" rel="{LINK_REL}">the link</a></p>'


def test_link_rel_is_ours_and_quotes_cannot_break_out_of_href():
    body = sanitize(
        '<a href=\'http://x.example/"onmouseover="alert(1)\' rel="opener">t</a>'
    ).body_html
    assert body == (
        f'<p><a href="http://x.example/%22onmouseover=%22alert(1)" rel="{LINK_REL}">t</a></p>'
    )


def test_links_without_text_are_dropped():
    assert sanitize('<p>x <a href="http://x.example/"><img src=y></a></p>').body_html == "<p>x</p>"


def test_lists_and_quotations_are_kept():
    body = sanitize(
        "<ul><li>One</li><li>Two<ul><li>Nested</li></ul></li></ul><ol><li>First</ol>"
        "<blockquote>We will <q>not</q> back down. <cite>The union</cite></blockquote>"
    ).body_html
    assert body == (
        "<ul><li>One</li>\n<li>Two<ul><li>Nested</li></ul></li></ul>\n"
        "<ol><li>First</li></ol>\n"
        "<blockquote><p>We will <q>not</q> back down. <cite>The union</cite></p></blockquote>"
    )


def test_emphasis_is_kept_and_other_inline_markup_unwrapped():
    body = sanitize(
        "<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> <u>e</u> <span>f</span></p>"
    ).body_html
    assert body == "<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> e f</p>"


def test_double_line_break_starts_a_new_paragraph_and_single_one_is_kept():
    body = sanitize("<div>First line<br>second line<br><br>Next paragraph<br></div>").body_html
    assert body == "<p>First line<br>second line</p>\n<p>Next paragraph</p>"


def test_entities_become_characters_except_the_markup_ones():
    body = sanitize("<p>&pound;5 &amp; &lt;more&gt; &#8217; &ndash; &#x80;</p>").body_html
    assert body == "<p>£5 &amp; &lt;more&gt; ’ – €</p>"


def test_windows_1252_control_characters_are_repaired_and_others_removed():
    body = sanitize("<p>It\x92s \x85 done\x01\x00</p>").body_html
    assert body == "<p>It’s … done</p>"


@pytest.mark.parametrize(
    "source",
    [
        MSHTML_SAMPLE,
        "<b>bold<div>in a div</div>tail</b>",
        "<ul>loose<li>a</li><p>para</p><li>b<div>c</div></li></ul>",
        "<ul><li>a<ul><li>b</li></ul>c</li></ul>",
        "<blockquote>Quoted<blockquote><p>deeper</p></blockquote></blockquote>",
        "<pre>line 1\n  line 2\n\nline 4</pre>",
        "<table><tr><td>cell<br><br>cell</td><th>head</th></tr></table>",
        '<a href="http://x.example/"><p>one</p><p>two</p></a>',
        "<p>a<b><br></b><i> <br></i>b</p>",
        "<dl><dt>Term</dt><dd>Definition</dd></dl><hr>after",
    ],
)
def test_sanitize_is_idempotent_on_inline_samples(source):
    clean = sanitize(source).body_html
    assert clean
    assert sanitize(clean).body_html == clean
    assert sanitize(clean).title == ""
    assert tags(clean) <= ALLOWED_TAGS


# --- Plain text --------------------------------------------------------------------------------


def test_plain_text_paragraphs_from_blank_lines():
    body = sanitize("One\nstill one\n\n\n   \nTwo\n", "text").body_html
    assert body == "<p>One still one</p>\n<p>Two</p>"


def test_plain_text_single_line_breaks_make_paragraphs_when_no_blank_lines():
    body = sanitize("\nOne\r\nTwo\rThree\n", "text").body_html
    assert body == "<p>One</p>\n<p>Two</p>\n<p>Three</p>"


def test_plain_text_is_escaped_and_gets_no_title():
    result = sanitize(PLAIN_TEXT_SAMPLE, "text")
    assert result.title == ""
    assert result.body_html == (
        "<p>Strike called</p>\n<p>Members voted 3 to 1 for action.</p>\n"
        "<p>&lt;b&gt;Pay&lt;/b&gt; &amp; pensions</p>"
    )
    assert sanitize(result.body_html).body_html == result.body_html


def test_plain_text_h1_lookalike_is_text():
    result = sanitize("<h1>Not a title</h1>", "text")
    assert result == Sanitized(title="", body_html="<p>&lt;h1&gt;Not a title&lt;/h1&gt;</p>")


def test_empty_input_gives_empty_body():
    assert sanitize("", "text").body_html == sanitize("  \n ", "html").body_html == ""


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        sanitize("x", "markdown")


# --- Seeds (../shared/seeds) -------------------------------------------------------------------


@needs_seeds
def test_seed_000_keeps_pound_sign_and_one_paragraph_per_source_paragraph():
    source = seed("000")
    result = sanitize(source, "html")
    body = result.body_html
    assert result.title == "Unions discuss mass strikes in protest at spending cuts"
    assert "£141m" in body
    for unwanted in ["font", "sizcache", "img", "style", "class"]:
        assert unwanted not in body.lower(), unwanted
    assert "Mark Serwotka, the leader of the PCS union" in body
    # The source writes no-break spaces inside its tags: <P\xa0data-...>.
    source_paragraphs = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
        for text in re.findall(r"<P\b[^>]*>(.*?)</P>", source.replace("\xa0", " "), re.S)
    ]
    assert len(source_paragraphs) == 16
    output = paragraphs(body)
    for text in source_paragraphs:
        assert output.count(text) == 1, text
    # Besides those: the dateline, the article URL and the figure caption, each on its own.
    assert len(output) == 16 + 3


@needs_seeds
def test_plain_text_seeds_make_one_paragraph_per_source_paragraph():
    # 001 and 003 have no blank lines: every line is a paragraph.
    assert len(paragraphs(sanitize(seed("001"), "text").body_html)) == 21
    assert len(paragraphs(sanitize(seed("003"), "text").body_html)) == 20
    # 002 and 004 separate paragraphs with blank lines.
    assert paragraphs(sanitize(seed("002"), "text").body_html)[0] == "No lead from Socialist Party"
    assert len(paragraphs(sanitize(seed("002"), "text").body_html)) == 2
    assert paragraphs(sanitize(seed("004"), "text").body_html)[2] == "Click to follow Indy Politics"
    assert len(paragraphs(sanitize(seed("004"), "text").body_html)) == 9
    assert "I don’t want these strikes" in sanitize(seed("003"), "text").body_html


@needs_seeds
@pytest.mark.parametrize(
    "prefix, fmt",
    [("000", "html"), ("001", "text"), ("002", "text"), ("003", "text"), ("004", "text")],
)
def test_sanitize_is_idempotent_on_seeds(prefix, fmt):
    clean = sanitize(seed(prefix), fmt).body_html
    again = sanitize(clean, "html")
    assert again.body_html == clean
    assert again.title == ""
    assert tags(clean) <= ALLOWED_TAGS


# --- Limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<div>" * 100_000,
        "<b>" * 100_000,
        "<table><tr><td>" * 30_000,
        "<p><div>" * 50_000,
        # Formatting elements closed by </div> are reopened by the parser at the next one.
        "".join(f'<div><b id="{n}"></div>' for n in range(20_000)) + "text",
    ],
    ids=["divs", "bold", "table-cells", "p-div", "reopened-formatting"],
)
def test_deep_nesting_is_refused_quickly(source):
    start = time.perf_counter()
    with pytest.raises(SanitizeError, match=rf"nested too deeply \(more than {MAX_DEPTH} levels\)"):
        sanitize(source)
    # Refused on the way in (about 0.2 s here) instead of being parsed to the end.
    # The bound is loose so a busy machine cannot fail it; the benchmark measures speed.
    assert time.perf_counter() - start < 5


def test_nesting_up_to_the_limit_is_accepted_and_many_unclosed_paragraphs_are_flat():
    assert sanitize("<div>" * MAX_DEPTH + "deep").body_html == "<p>deep</p>"
    assert len(paragraphs(sanitize("<p>para " * 500 + "<ul>" + "<li>item " * 500).body_html)) == 500


def test_oversized_input_is_refused(settings):
    limit = settings.ARCHIVE_MAX_ORIGINAL_BYTES
    start = time.perf_counter()
    with pytest.raises(SanitizeError, match=r"^too large: 5\.1 MB \(limit 5 MB\)$"):
        sanitize("<p>" + "a" * limit + "</p>")
    with pytest.raises(SanitizeError, match="too large"):
        sanitize("a" * (limit + 1), "text")
    assert time.perf_counter() - start < 5  # refused before reading, on a busy machine too


def test_size_limit_counts_utf8_bytes(settings):
    settings.ARCHIVE_MAX_ORIGINAL_BYTES = 1000
    assert sanitize("£" * 500, "text").body_html == "<p>" + "£" * 500 + "</p>"
    with pytest.raises(SanitizeError, match="too large"):
        sanitize("£" * 501, "text")


# --- Plain text of clean HTML ------------------------------------------------------------------


def test_html_to_text_separates_paragraphs_with_blank_lines_and_decodes_entities():
    body = sanitize(
        "<h2>Pay</h2><p>Members  voted<br>to strike &amp; <b>march</b>.</p>"
        "<ul><li>One</li><li>Two</li></ul><blockquote><p>&lt;Quote&gt;</p></blockquote>"
    ).body_html
    assert html_to_text(body) == (
        "Pay\n\nMembers voted to strike & march.\n\nOne\n\nTwo\n\n<Quote>"
    )


@needs_seeds
def test_html_to_text_of_seed_000_has_the_paragraphs_and_no_markup():
    text = html_to_text(sanitize(seed("000")).body_html)
    assert "<" not in text and "&amp;" not in text
    assert "make £141m worth of savings by 2013." in text
    assert len(text.split("\n\n")) == 19


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "<p>Pay rose <math><mi>x</mi> per cent, the union said.</p><p>Talks go on.</p>",
            "<p>Pay rose x per cent, the union said.</p>\n<p>Talks go on.</p>",
        ),
        (
            "<p>Before <math><mi>x<p>The strike goes on.</p><p>Members voted.</p>",
            "<p>Before x</p>\n<p>The strike goes on.</p>\n<p>Members voted.</p>",
        ),
        (
            "<p>Chart <svg><desc>bars</desc><text>42%</text> of members voted.</p><p>Next.</p>",
            "<p>Chart 42% of members voted.</p>\n<p>Next.</p>",
        ),
        ("<svg>Pickets stood at the gate", "<p>Pickets stood at the gate</p>"),
    ],
    ids=["mathml-unclosed-in-paragraph", "mathml-paragraphs-inside", "svg-unclosed", "svg-only"],
)
def test_text_after_malformed_svg_or_mathml_is_kept_as_text(source, expected):
    assert sanitize(source).body_html == expected
