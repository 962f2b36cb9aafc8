"""Page addresses, reversed once per process: the same as Django's reverse, under any prefix."""

import pytest
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


def test_the_slug_marker_never_shows_in_an_address():
    assert "placeholder" not in links.url("archive:article", "a")
