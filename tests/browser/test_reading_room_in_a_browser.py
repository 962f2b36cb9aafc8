"""What only a browser shows: clicks through the reading room, accessibility, screenshots."""

import re

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _result_titles(page) -> list[str]:
    return page.locator("ol[aria-label='Results'] .article-item__title").all_inner_texts()


def test_reader_goes_from_home_to_pcs_articles_of_2011_and_on_to_mark_serwotka(page, screenshot):
    page.goto("/")
    screenshot("home")
    page.get_by_role("link", name=re.compile(r"^Browse all \d+ articles")).click()
    page.locator("#facet-union ~ ul").get_by_role("link", name=re.compile(r"^PCS\b")).click()
    assert page.locator(".results-count").inner_text().startswith("3 articles")
    page.locator("#facet-year ~ ul").get_by_role("link", name=re.compile(r"2011")).click()
    assert re.search(r"union=pcs", page.url) and re.search(r"year=2011", page.url)
    assert page.locator(".results-count").inner_text().startswith("1 article")
    assert _result_titles(page) == ["Unions discuss mass strikes in protest at spending cuts"]
    # Each year shows how many PCS articles it has: the counts ignore the year filter itself.
    years = page.locator("#facet-year ~ ul a")
    counts = dict(
        zip(
            years.locator(".facet__label").all_inner_texts(),
            [int(t.split()[0]) for t in years.locator(".facet__count").all_inner_texts()],
            strict=True,
        )
    )
    assert counts == {"2013": 1, "2011": 1, "2005": 1}
    assert page.locator("#facet-year ~ ul a.is-selected .facet__label").inner_text() == "2011"
    screenshot("article-list-pcs-2011")
    page.get_by_role("link", name="Unions discuss mass strikes in protest at spending cuts").click()
    screenshot("article")
    page.locator(".article__links").get_by_role("link", name="Mark Serwotka").click()
    assert page.locator("h1").inner_text() == "Mark Serwotka"
    screenshot("person")


def test_removing_a_chip_widens_the_results_and_back_restores_them(page):
    page.goto("/articles/?union=pcs&year=2011")
    assert page.locator(".results-count").inner_text().startswith("1 article")
    page.get_by_role("link", name=re.compile(r"Year: 2011")).click()
    assert page.locator(".results-count").inner_text().startswith("3 articles")
    assert "year=" not in page.url
    page.go_back()
    assert page.locator(".results-count").inner_text().startswith("1 article")
    page.get_by_role("link", name="Clear all").click()
    assert page.locator(".results-count").inner_text().startswith("5 articles")


def test_searching_a_phrase_highlights_it_in_the_results(page, screenshot):
    page.goto("/")
    page.get_by_role("searchbox", name="Search articles").first.fill('"general strike"')
    page.get_by_role("searchbox", name="Search articles").first.press("Enter")
    page.wait_for_url(re.compile(r"/articles/\?q="))
    marks = page.locator(".article-item__snippet mark").all_inner_texts()
    assert marks and all(m.lower() == "general strike" for m in marks)
    assert page.locator(".results-count").inner_text().startswith("2 articles")
    screenshot("search")


def test_the_reading_room_works_with_the_keyboard_alone(page):
    page.goto("/articles/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    # Tab on until the PCS facet value is focused, then follow it with Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement.textContent || ''")
        if text.strip().startswith("☐ PCS"):
            break
    else:
        pytest.fail("the PCS facet value could not be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused links must show where the focus is"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"union=pcs"))
    assert page.locator(".results-count").inner_text().startswith("3 articles")


def test_pages_work_without_javascript(browser, demo_site):
    context = browser.new_context(base_url=demo_site.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/articles/?union=pcs")
    page.locator("#facet-year ~ ul").get_by_role("link", name=re.compile("2011")).click()
    assert page.locator(".results-count").inner_text().startswith("1 article")
    context.close()


@pytest.mark.parametrize("width", [360, 640])
def test_pages_are_readable_on_a_narrow_screen(browser, demo_site, width):
    context = browser.new_context(base_url=demo_site.url, viewport={"width": width, "height": 800})
    page = context.new_page()
    for path in (
        "/",
        "/articles/?union=pcs",
        "/articles/unions-discuss-mass-strikes-in-protest-at-spending-cuts/",
    ):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    context.close()


PAGE_TYPES = {
    "home": "/",
    "article-list": "/articles/?union=pcs&year=2011",
    "search": "/articles/?q=%22general+strike%22",
    "no-results": "/articles/?q=zzzzqqq&union=pcs",
    "article": "/articles/unions-discuss-mass-strikes-in-protest-at-spending-cuts/",
    "organisations": "/organisations/",
    "organisation": "/organisations/pcs/",
    "people": "/people/",
    "person": "/people/mark-serwotka/",
    "timeline": "/events/?union=pcs",
    "event": "/events/public-sector-pensions-strike-2011/",
    "not-found": "/articles/no-such-article/",
}


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_accessibility_violations(page, screenshot, name):
    page.goto(PAGE_TYPES[name])
    screenshot(f"page-{name}")
    assert axe_violations(page) == []


def test_the_axe_check_itself_reports_a_violation(page):
    """Guards the check above: a page with an unlabelled field must fail it."""
    page.goto("/")
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    assert "label" in {v["id"] for v in axe_violations(page)}


def test_page_is_readable_at_200_percent_zoom(browser, demo_site):
    # 200% zoom of a 1280px window lays the page out as 640 CSS pixels at twice the scale.
    context = browser.new_context(
        base_url=demo_site.url, viewport={"width": 640, "height": 450}, device_scale_factor=2
    )
    page = context.new_page()
    page.goto("/articles/?union=pcs")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()
