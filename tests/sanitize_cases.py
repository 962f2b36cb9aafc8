"""Representative hostile HTML kept in the repository, so the sanitiser's safety tests run even
without the shared corpus (../shared/security). One case per family of attack in that corpus;
the payloads are written here from the attack patterns, not copied from it.
"""

import json
import random
from pathlib import Path

import pytest

# The shared hostile corpus (../shared/security beside the repository; not on users' machines).
VECTORS = Path(__file__).resolve().parents[2] / "shared" / "security" / "xss_vectors.json"

HOSTILE_CASES: dict[str, str] = {
    # Scripts, and tag names split or malformed to slip past a naive filter.
    "script-tag": '<p>Intro</p><script>alert("x")</script><p>Outro</p>',
    "script-nul-split": "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "script-half-open": '<script src="http://evil.example/x.js"<b>bold</b>',
    "nested-script-in-attribute": '<a href="http://ok.example/" title="<script>x</script>">t</a>',
    # Event handlers on ordinary and legacy e-mail markup.
    "img-onerror": "<img src=x onerror=alert(1) alt=photo>",
    "font-handler-and-sizcache": '<FONT color=red onmouseover="alert(1)" sizcache="3">Hi</FONT>',
    "body-onload": "<body onload=alert(1)><p>text</p></body>",
    # URL schemes, obfuscated with entities, whitespace and control characters.
    "javascript-href": '<a href="javascript:alert(1)">click</a>',
    "javascript-entity-encoded": '<a href="&#106;&#97;vascript&colon;alert(1)">click</a>',
    "javascript-tab-newline": '<a href="jav&#x09;a\nscript:alert(1)">click</a>',
    "javascript-leading-control": '<a href="\x01 \x0fjavascript:alert(1)">click</a>',
    "vbscript-and-data-href": '<a href="vbscript:msgbox(1)">v</a><a href="data:text/html,x">d</a>',
    # Styles: css expressions and behaviours; style elements.
    "style-attribute-expression": '<div style="width: expression(alert(1))">x</div>',
    "style-element-import": '<style>@import "http://evil.example/x.css";</style><p>x</p>',
    # Embedded documents and plugins.
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "object-data-uri": '<object data="data:text/html;base64,PHNjcmlwdD4=">fallback</object>',
    "base-meta-link-form": (
        '<base href="javascript://"><meta http-equiv="refresh" content="0;url=javascript:x">'
        '<link rel=stylesheet href="http://evil.example/x.css">'
        '<form action="javascript:x"><button formaction="javascript:x">go</button></form>'
    ),
    # SVG and MathML: animation and namespace confusion (mutation XSS).
    "svg-onload-and-animate": (
        '<svg onload=alert(1)><a><animate attributeName=href values="javascript:alert(1)"/>'
        '<set attributeName="xlink:href" to="javascript:alert(1)"/><text>x</text></a></svg>'
    ),
    "svg-foreignobject-iframe": "<svg><foreignObject><iframe src=javascript:x></iframe></svg>",
    "math-mglyph-style-mxss": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    ),
    "math-malignmark-mxss": (
        '<math><mtext><table><malignmark><style><!--</style><img title="--><img src=1 '
        'onerror=alert(1)>">'
    ),
    "noscript-comment-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Comments, including IE and MSO conditional comments.
    "conditional-comments": (
        "<!--[if gte mso 9]><xml><o:p></o:p></xml><![endif]--><!--[if IE]><script>x</script>"
        "<![endif]--><p>kept</p>"
    ),
    # Resources that would make readers' browsers call other servers.
    "tracking-pixel-and-srcset": (
        '<img src="http://track.example/1x1.gif" width=1 height=1>'
        '<img srcset="http://evil.example/a.png 2x" alt="chart">'
    ),
    "hotlinked-backgrounds": (
        '<table background="//evil.example/bg.png"><tr><td background="http://x/bg.png">cell'
        '</td></tr></table><video poster="http://x/p.png"></video>'
    ),
    "attribute-quote-breakout": '<a href="http://ok.example/"onmouseover="alert(1)">x</a>',
}

# Generated markup, for properties that must hold of any input (tests give their own seeds).
TAGS = (
    "p br h1 h2 h3 h4 h5 blockquote q cite em strong b i u ul ol li a div span pre figure "
    "figcaption img table tr td script style svg math font time"
).split()
TEXTS = [
    "a & b", "&amp;", "&lt;x&gt;", "&copy", "&#60;", "x\xa0y", " ", "\n", "\t", "word",
    '"quote"', "'", "<", ">", "&", "&nbsp;", "&notin;", "&#x26;", "é", "&amp;amp;",
]  # fmt: skip
HREFS = [
    "http://x.org/?a=1&b=2", "javascript:alert(1)", 'https://e.com/"q"', "mailto:a@b",
    "http://x/&amp;", "  http://y/ <z>", "HTTP://UP", "https://e.com/&quot;x&quot;",
]  # fmt: skip


def generated_markup(rnd: random.Random, depth: int = 0) -> str:
    """Random markup full of character references, links and nesting, open and closed."""
    out = []
    for _ in range(rnd.randint(1, 6)):
        if rnd.random() < 0.4 or depth > 5:
            out.append(rnd.choice(TEXTS))
            continue
        tag = rnd.choice(TAGS)
        if tag == "img":
            out.append(f'<img alt="{rnd.choice(TEXTS)}">')
        elif tag == "br":
            out.append("<br>")
        else:
            attrs = f' href="{rnd.choice(HREFS)}"' if tag == "a" else ""
            close = "" if rnd.random() < 0.1 else f"</{tag}>"
            out.append(f"<{tag}{attrs}>{generated_markup(rnd, depth + 1)}{close}")
    return "".join(out)


def corpus_vectors() -> list[dict]:
    """The shared corpus's vectors (payload, group, id), or none when it is not beside us."""
    if not VECTORS.is_file():
        return []
    return json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]


def hostile_params() -> list:
    """The representative cases and the shared corpus's vectors, as test parameters."""
    return [pytest.param(text, id=f"case-{name}") for name, text in HOSTILE_CASES.items()] + [
        pytest.param(v["payload"], id=f"{v['group']}-{v['id']}") for v in corpus_vectors()
    ]


def markup_params(seed: int, generated: int = 300) -> list:
    """The hostile markup and `generated` documents of generated markup, as test parameters."""
    rnd = random.Random(seed)
    return hostile_params() + [
        pytest.param(generated_markup(rnd), id=f"generated-{n}") for n in range(generated)
    ]
