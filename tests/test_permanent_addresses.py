"""Every address a record has had keeps working: old slugs answer 301 to the current one, and
the permanent form by id, which the citation block cites, never changes."""

import pytest

from archive.models import Article
from tests.admin_forms import change_url, form_data

pytestmark = pytest.mark.django_db


def _rename(client, obj, slug):
    data = form_data(client.get(change_url(obj)))
    data["slug"] = slug
    assert client.post(change_url(obj), data).status_code == 302
    obj.refresh_from_db()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("article", "/articles/"),
        ("organisation", "/organisations/"),
        ("person", "/people/"),
        ("event", "/events/"),
    ],
)
def test_renamed_twice_both_old_addresses_redirect_permanently_to_the_current_one(
    client, editor_client, published_article, pcs, serwotka, n30, name, path
):
    obj = {"article": published_article, "organisation": pcs, "person": serwotka, "event": n30}[
        name
    ]
    first = obj.slug
    _rename(editor_client, obj, "second-name")
    _rename(editor_client, obj, "third-name")
    for old in (first, "second-name"):
        response = client.get(f"{path}{old}/")
        assert response.status_code == 301
        assert response["Location"] == f"{path}third-name/"
    assert client.get(f"{path}third-name/").status_code == 200
    permanent = obj.get_permanent_url()
    assert permanent == f"/{name[0]}/{obj.pk}/"
    response = client.get(permanent)
    assert response.status_code == 302 and response["Location"] == f"{path}third-name/"


def test_the_citation_block_cites_the_permanent_address(client, published_article):
    page = client.get(published_article.get_absolute_url()).content.decode()
    assert f"http://testserver/a/{published_article.pk}/" in page
    assert "http://testserver/articles/civil-servants" not in page.split("cite-heading")[1]


def test_a_slug_taken_over_by_another_record_serves_its_new_owner(
    client, editor_client, published_article, article_factory
):
    _rename(editor_client, published_article, "renamed")
    newcomer = article_factory(title="Newcomer", slug="civil-servants-strike-over-pensions")
    response = client.get("/articles/civil-servants-strike-over-pensions/")
    assert response.status_code == 200 and response.context["article"] == newcomer


def test_permanent_addresses_of_drafts_and_unknown_ids_are_not_found(client, draft_article):
    assert client.get(draft_article.get_permanent_url()).status_code == 404
    assert client.get("/a/999999/").status_code == 404
    assert client.get("/articles/never-was/").status_code == 404


def test_a_withdrawn_articles_addresses_say_it_was_withdrawn(client, published_article):
    published_article.status = Article.Status.DRAFT
    published_article.save()
    for url in (published_article.get_absolute_url(), published_article.get_permanent_url()):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "has since been withdrawn" in response.content.decode()


def test_a_draft_never_published_is_not_found(client, draft_article):
    assert client.get(draft_article.get_absolute_url()).status_code == 404
    assert client.get(draft_article.get_permanent_url()).status_code == 404
