"""Editorial rules, applied where text enters the archive: the importer, the admin's form for a
new article and the demo builder. The model only derives fields and sanitises; it never decides
what an article's text should say.
"""

from __future__ import annotations

from archive import sanitize


def shown_once(body_html: str, title: str, standfirst: str) -> str:
    """A clean body less the opening paragraphs that only repeat the headline or standfirst
    shown above it (a source's habit). A first sentence that merely serves as the title, or
    a body that would be left empty, stays as it is."""
    return sanitize.without_leading_repeats(body_html, [standfirst], headlines=[title])
