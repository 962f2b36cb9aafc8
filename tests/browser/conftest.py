"""A real headless Chromium (Debian's package) driven by Playwright against a live server.

The tests are skipped, with a message saying how to install a browser, when none is found;
with REQUIRE_BROWSER=1 (set by .ci/run) a missing browser is a failure instead.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (loading the demo corpus) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
INSTALL_HINT = (
    "no Chromium found: install Debian's browser with `sudo apt-get install chromium` "
    "(or set CHROMIUM=/path/to/chromium) to run the browser tests"
)
# Flags for a closed network and a root user (see the machine notes in README.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def demo_site(live_server, django_db_serialized_rollback, transactional_db):
    """The live server with the demo corpus loaded; the database is restored afterwards."""
    from django.core.management import call_command

    call_command("loaddata", str(REPO / "fixtures" / "demo.json"), verbosity=0)
    return live_server


@pytest.fixture
def page(browser, demo_site):
    context = browser.new_context(base_url=demo_site.url, viewport={"width": 1280, "height": 900})
    # No request may leave the machine: fonts, icons and scripts are all served by us.
    foreign = []

    def check_request(request):
        if not request.url.startswith((demo_site.url, "data:", "about:")):
            foreign.append(request.url)

    context.on("request", check_request)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not foreign, f"third-party requests: {foreign}"


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def axe_violations(page) -> list[dict]:
    """Run axe-core (the copy bundled in axe-playwright-python) for WCAG 2.2 A and AA."""
    import axe_playwright_python

    script = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    page.evaluate(script)
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]
