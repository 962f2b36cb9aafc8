"""In a real browser, the strict Content-Security-Policy blocks nothing the pages use.

Chromium reports each blocked script, style, image, font, connection or form as a
`securitypolicyviolation` event (and on the console); a page type whose own markup or scripts
broke the policy (an inline style, an inline handler, a script from elsewhere) fails here.
"""

import pytest

from archive.import_batches import ImportBatch
from archive.models import Article, Event, Organisation, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile || ""}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, recording every CSP violation; the test fails on any."""
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    seen = []

    def visit(url: str) -> None:
        response = page.goto(url)
        assert response is not None
        assert "default-src 'none'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        seen.extend(f"{url}: {v}" for v in page.evaluate("window.__cspViolations"))

    def check(url: str) -> None:
        """Collect what the current page has reported so far (after interactions)."""
        seen.extend(f"{url}: {v}" for v in page.evaluate("window.__cspViolations"))

    page.visit = visit
    page.collect = check
    yield page
    assert not seen and not console, f"CSP violations: {seen} {console[:3]}"


def test_every_public_page_type_runs_under_the_policy(watched):
    article = Article.objects.published().first()
    organisation = Organisation.objects.filter(articles__isnull=False).first()
    person = Person.objects.filter(articles__isnull=False).first()
    event = Event.objects.first()
    for url in [
        "/",
        "/articles/",
        '/articles/?q="general strike"&union=pcs',
        "/articles/?year=2011&page=1",
        article.get_absolute_url(),
        "/organisations/",
        organisation.get_absolute_url(),
        "/people/",
        person.get_absolute_url(),
        "/events/",
        event.get_absolute_url(),
        "/articles/no-such-article/",
    ]:
        watched.visit(url)


def test_the_admin_pages_editors_use_run_under_the_policy(watched, django_user_model):
    # A superuser sees the editors' pages (a flushed transactional database has no groups).
    django_user_model.objects.create_superuser(
        username="csp-editor", password="a-long-browser-password"
    )
    article = Article.objects.first()
    batch = ImportBatch.objects.create(created_by="csp-editor", total=1)
    person = Person.objects.filter(roles__isnull=False).first() or Person.objects.first()

    watched.visit("/admin/login/")
    watched.get_by_label("Username").fill("csp-editor")
    watched.get_by_label("Password").fill("a-long-browser-password")
    watched.get_by_role("button", name="Log in").click()
    watched.wait_for_url("**/admin/")
    watched.collect("/admin/login/ (signing in)")

    for url in [
        "/admin/",
        "/admin/archive/article/",
        "/admin/archive/article/?status__exact=published&q=strike",
        "/admin/archive/article/import/",
        batch.get_absolute_url(),  # the progress page (it reloads itself)
        "/admin/archive/organisation/",
        "/admin/archive/event/add/",
        f"/admin/archive/person/{person.pk}/change/",
        "/admin/archive/role/",
    ]:
        watched.visit(url)

    # The change form's scripts: autocomplete (select2 and its requests), collapsed fieldsets.
    watched.visit(f"/admin/archive/article/{article.pk}/change/")
    watched.locator(".field-organisations .select2-selection").click()
    watched.locator(".select2-search__field").first.fill("a")
    watched.locator(".select2-results__option").first.wait_for()
    watched.keyboard.press("Escape")
    watched.get_by_text("Show", exact=False).first.click()
    watched.collect("article change form (autocomplete, collapse)")

    # The add form's scripts: the slug filled in from the title, the calendar.
    watched.visit("/admin/archive/article/add/")
    watched.get_by_label("Title").first.press_sequentially("A new ballot opens")
    assert watched.locator("#id_slug").input_value() == "a-new-ballot-opens"
    watched.locator(".datetimeshortcuts a").first.click()
    watched.collect("article add form (slug, calendar)")
