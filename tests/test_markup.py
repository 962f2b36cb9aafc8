"""Every page type is valid HTML5 with landmarks, and carries no inline script or style."""

import re

import html5lib
import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/articles/",
    "/articles/?union=pcs&year=2011",
    "/articles/?q=strike",
    "/articles/?q=nothingmatches&union=pcs",
    "/articles/unions-discuss-mass-strikes-in-protest-at-spending-cuts/",
    "/organisations/",
    "/organisations/pcs/",
    "/people/",
    "/people/mark-serwotka/",
    "/events/",
    "/events/public-sector-pensions-strike-2011/",
    "/articles/no-such-article/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_valid_html_with_landmarks_and_no_inline_code(client, demo_corpus, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    page = response.content.decode()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(page)  # raises on any parse error
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"\son[a-z]+=", page), "event-handler attribute"
    assert not re.search(r'(src|href)="(https?:)?//(?!testserver)', page.split("<main", 1)[0]), (
        "third-party resource in the head or header"
    )
