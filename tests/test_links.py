"""Page addresses, reversed once per process: the same as Django's reverse, under any prefix."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import clear_script_prefix, reverse, set_script_prefix

from archive import links


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("archive:article", "miners-strike-1984"),
        ("archive:organisation", "pcs"),
        ("archive:person", "mark-serwotka"),
        ("archive:event", "n30"),
        ("archive:article_list", None),
        ("archive:feed", None),
    ],
)
def test_an_address_is_what_reverse_gives_under_any_script_prefix(name, slug):
    kwargs = {"slug": slug} if slug else {}
    try:
        for prefix in ("/", "/archive/", "/"):
            set_script_prefix(prefix)
            assert links.url(name, slug) == reverse(name, kwargs=kwargs)
    finally:
        clear_script_prefix()
    assert links.url(name, slug).startswith("/")


@pytest.mark.parametrize("prefix", ["a", "o", "p", "e"])
def test_a_permanent_address_is_what_reverse_gives_under_any_script_prefix(prefix):
    try:
        for script_prefix in ("/", "/987654321/", "/"):  # digits like the id's marker
            set_script_prefix(script_prefix)
            for pk in (1, 42, 987654321, 10**17):
                expected = reverse("archive:permanent", kwargs={"prefix": prefix, "pk": pk})
                assert links.permanent(prefix, pk) == expected
    finally:
        clear_script_prefix()


def test_the_slug_marker_never_shows_in_an_address():
    assert "placeholder" not in links.url("archive:article", "a")


def test_an_address_with_other_arguments_is_what_reverse_gives():
    for fmt in ("csv", "jsonl", "ris"):
        assert links.url("archive:export", fmt=fmt) == reverse(
            "archive:export", kwargs={"fmt": fmt}
        )


def test_the_sites_own_url_tags_give_what_djangos_give(rf):
    from django.template import Context, Template

    source = (
        "{% url 'archive:home' %}|{% url 'archive:timeline' as t %}{{ t }}|"
        "{% url 'archive:article' slug='a-b' %}|{% url 'admin:index' %}"
    )
    rendered = Template(source).render(Context({}))
    assert rendered == "|".join(
        [reverse("archive:home"), reverse("archive:timeline"), reverse("archive:article",
         kwargs={"slug": "a-b"}), reverse("admin:index")]
    )  # fmt: skip


def _served(path: str, script_name: str) -> str:
    """The page as the WSGI server gives it (the test client never sets a script prefix)."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": script_name,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(),
    }  # fmt: skip
    answer = WSGIHandler()(environ, lambda status, headers: None)
    try:
        return b"".join(answer).decode()
    finally:
        answer.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # writes commit
def test_each_request_links_under_its_own_script_prefix(published_article, settings):
    """Addresses are remembered for one request only: the next, served under another
    prefix (a proxy mounting the archive at a sub-path), gets its own."""
    settings.ARCHIVE_PAGE_CACHE = False
    path = published_article.get_absolute_url()
    try:
        mounted = _served(path, "/archive")
        plain = _served(path, "")
    finally:
        clear_script_prefix()
    assert 'href="/archive/organisations/pcs/"' in mounted
    assert 'href="/organisations/pcs/"' in plain and "/archive/organisations/" not in plain
    assert links.url("archive:organisation", "pcs") == "/organisations/pcs/"  # no request
