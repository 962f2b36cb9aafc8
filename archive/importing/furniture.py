"""What only a whole web page has around its article: navigation, sidebars, comments, adverts.

The extractor uses it to tell a full page from a fragment; the date reader to ignore dates in
comments and "most read" lists.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# Elements (outside any <article>), and class or id words, that only a whole web page has
# around its article.
FURNITURE_TAGS = ("nav", "aside", "header", "footer", "form", "menu")
FURNITURE_ELEMENTS = "//*[{}][not(ancestor::article)]".format(
    " or ".join(f"self::{tag}" for tag in FURNITURE_TAGS)
)
FURNITURE_WORDS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|comments?|footer|header|masthead|"
    r"banner|adverts?|advertisement|ads?|sponsored|promo|related|breadcrumbs?|cookies?|share|"
    r"sharing|social|newsletter|subscribe|widget|most-?read|popular)(?:$|[\s_-])",
    re.IGNORECASE,
)


def in_furniture(element: HtmlElement) -> bool:
    """Whether an element stands in the page's furniture rather than in its article."""
    for ancestor in element.iterancestors():
        if ancestor.tag == "article":
            return False
        if ancestor.tag in FURNITURE_TAGS or FURNITURE_WORDS.search(
            f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        ):
            return True
    return False
