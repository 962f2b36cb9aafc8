"""What only a browser shows about taking data away: the API documentation runs under a strict
Content-Security-Policy (no inline script or style, nothing from other sites), and the list
page's "Cite this search" can be copied."""

import pytest

pytestmark = pytest.mark.browser

STRICT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'"
)


def test_api_docs_render_under_a_strict_content_security_policy(page, screenshot):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/*", with_csp)
    page.goto("/api/docs/")
    page.get_by_text("/api/articles/{slug}/").first.wait_for()
    assert page.get_by_role("heading", name="Reading Room API").first.is_visible()
    screenshot("api-docs")
    assert not [v for v in violations if "script" in v or "style" in v], violations


def test_cite_this_search_names_the_result_set(page):
    page.goto("/articles/?union=pcs&page=1")
    cited = page.locator("#cite-search-text").inner_text()
    assert "/articles/?union=pcs" in cited
    assert "page=" not in cited
    count = page.locator(".results-count strong").inner_text()
    assert f"({count} article" in cited


def test_data_page_has_no_accessibility_violations(page, screenshot):
    from tests.browser.conftest import axe_violations

    page.goto("/data/")
    screenshot("page-data")
    assert axe_violations(page) == []
