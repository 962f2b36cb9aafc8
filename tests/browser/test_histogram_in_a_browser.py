"""The date histogram at any span: every period reachable, nothing clipped, at any width."""

import datetime as dt
import re

import pytest

from tests.conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THIRTY_YEARS = list(range(1995, 2025))
GAPPED = [1984, *range(1995, 2025)]


def _archive(years: list[int]) -> None:
    for year in years:
        make_article(
            title=f"News of {year}", slug=f"news-{year}", published_date=dt.date(year, 11, 3)
        )
    make_article(title="Undated cutting", slug="undated-cutting", published_date=None)


def _bars(page) -> list[str]:
    return page.locator(".browse__facets .histogram__label").evaluate_all(
        "els => els.map(e => e.firstChild.textContent.trim())"
    )


def _nothing_clipped(page, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    for item in page.locator(".browse__facets .histogram__item").all():
        box = item.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        clipped = item.evaluate(
            "e => [...e.querySelectorAll(':not(.visually-hidden)')].some(c =>"
            " c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflow !== 'visible')"
        )
        assert not clipped


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("years", [THIRTY_YEARS, GAPPED], ids=["thirty-years", "gapped"])
def test_a_long_span_shows_every_decade_and_drills_down_to_months(
    browser, live_server, width, years
):
    _archive(years)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/articles/")
    decades = sorted({f"{y - y % 10}s" for y in years})
    shown = _bars(page)
    assert [b for b in shown if b in decades] == decades
    assert shown[0] == decades[0] and shown[-1] == decades[-1]
    _nothing_clipped(page, width)

    page.locator(".browse__facets .histogram__link", has_text="2010s").click()
    assert re.search(r"from=2010&to=2019", page.url)
    assert _bars(page) == [str(y) for y in range(2010, 2020)]
    _nothing_clipped(page, width)

    page.locator(".browse__facets .histogram__link", has_text="2011").click()
    assert "year=2011" in page.url
    assert _bars(page) == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]
    _nothing_clipped(page, width)
    page.locator(".browse__facets .histogram__link", has_text="Nov").click()
    assert "month=11" in page.url
    titles = page.locator("ol[aria-label='Results'] .article-item__title").all_inner_texts()
    assert titles == ["News of 2011"]
    context.close()


def test_undated_articles_have_their_own_count_and_link(browser, live_server):
    _archive(GAPPED)
    page = browser.new_page(base_url=live_server.url)
    page.goto("/articles/")
    page.locator(".browse__facets .histogram__undated a", has_text="Undated: 1 article").click()
    assert "undated=1" in page.url
    titles = page.locator("ol[aria-label='Results'] .article-item__title").all_inner_texts()
    assert titles == ["Undated cutting"]
    page.close()
