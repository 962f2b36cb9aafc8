"""A short search help page, linked beside every search box."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/articles/", "/organisations/"])
def test_every_search_box_links_to_the_help(client, url):
    page = client.get(url).content.decode()
    assert page.count('href="/search/help/"') >= 1


def test_the_help_explains_the_syntax_and_stemming(client):
    response = client.get("/search/help/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ('"general strike"', "OR", "-ballot", "negot*", "at least 3 letters", "stem"):
        assert text in page
    assert "up to 10 words" in page
