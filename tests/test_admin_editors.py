"""Editors curate through the admin: a staff user in the Editors group, not a superuser."""

import datetime as dt

import pytest
from django.urls import reverse

from archive.models import Article, Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["article", "organisation", "person", "role", "event"])
def test_editor_sees_every_archive_list_and_add_page(editor_client, published_article, model):
    assert editor_client.get(reverse(f"admin:archive_{model}_changelist")).status_code == 200
    assert editor_client.get(reverse(f"admin:archive_{model}_add")).status_code == 200


def test_editor_cannot_reach_anything_outside_the_archive(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Articles" in index and "Users" not in index


def test_article_list_filters_by_status_organisation_source_and_year(
    editor_client, published_article, draft_article, pcs
):
    url = reverse("admin:archive_article_changelist")
    page = editor_client.get(url).content.decode()
    for facet in ("By status", "By organisations", "By source", "By year"):
        assert facet in page
    drafts = editor_client.get(url, {"status__exact": "draft"}).content.decode()
    assert draft_article.title in drafts and published_article.title not in drafts
    by_year = editor_client.get(url, {"year": "2011"}).content.decode()
    assert published_article.title in by_year and draft_article.title not in by_year


def test_article_search_finds_words_in_the_body(editor_client, published_article):
    url = reverse("admin:archive_article_changelist")
    page = editor_client.get(url, {"q": "backed"}).content.decode()
    assert published_article.title in page


def test_autocomplete_finds_organisations_by_abbreviation(editor_client, pcs):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "PCS",
            "app_label": "archive",
            "model_name": "article",
            "field_name": "organisations",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [str(pcs)]


def test_publish_and_withdraw_actions_change_status(
    editor_client, published_article, draft_article
):
    url = reverse("admin:archive_article_changelist")
    editor_client.post(
        url, {"action": "publish", "_selected_action": [draft_article.pk, published_article.pk]}
    )
    assert Article.objects.published().count() == 2
    editor_client.post(url, {"action": "withdraw", "_selected_action": [published_article.pk]})
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.DRAFT


def test_change_page_keeps_the_original_read_only_and_previews_the_clean_body(
    editor_client, published_article
):
    page = editor_client.get(
        reverse("admin:archive_article_change", args=[published_article.pk])
    ).content.decode()
    assert 'name="original"' not in page  # shown, not editable
    assert published_article.original_checksum in page
    assert "Preview (as readers see it)" in page
    assert "<b>walked out</b>" in page or "<strong>walked out</strong>" in page


def _article_form(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "slug": article.slug,
        "status": article.status,
        "standfirst": article.standfirst,
        "byline": article.byline,
        "source": article.source,
        "url": article.url,
        "published_date": article.published_date.isoformat() if article.published_date else "",
        "date_precision": article.date_precision,
        "organisations": [o.pk for o in article.organisations.all()],
        "people": [p.pk for p in article.people.all()],
        "events": [e.pk for e in article.events.all()],
        "body_html": article.body_html,
    }
    data.update(changes)
    return data


def test_saving_in_the_admin_sanitises_the_edited_body(editor_client, published_article):
    url = reverse("admin:archive_article_change", args=[published_article.pk])
    original = published_article.original
    response = editor_client.post(
        url,
        _article_form(
            published_article,
            title="Corrected title",
            body_html='<p style="color:red" onmouseover="steal()">Fixed '
            '<img src="http://x/y.png" alt="a photo"></p><script>alert(1)</script>',
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    published_article.refresh_from_db()
    assert published_article.title == "Corrected title"
    assert published_article.original == original
    for forbidden in ("style", "onmouseover", "<img", "<script", "http://x/y.png"):
        assert forbidden not in published_article.body_html
    assert "Fixed" in published_article.body_html


def test_editor_links_an_article_to_organisations_and_corrects_its_date(
    editor_client, published_article, treasury
):
    url = reverse("admin:archive_article_change", args=[published_article.pk])
    response = editor_client.post(
        url,
        _article_form(
            published_article,
            organisations=[treasury.pk],
            published_date="2011-11-01",
            date_precision="month",
        ),
    )
    assert response.status_code == 302
    published_article.refresh_from_db()
    assert list(published_article.organisations.all()) == [treasury]
    assert published_article.date_display == "November 2011"


def test_editor_adds_an_article_from_an_original(editor_client, pcs):
    response = editor_client.post(
        reverse("admin:archive_article_add"),
        {
            "title": "New ballot",
            "slug": "new-ballot",
            "status": "draft",
            "original": "<h1>New ballot</h1><p>PCS opens a ballot.</p>",
            "original_format": "html",
            "date_precision": "day",
            "published_date": "2013-04-07",
            "organisations": [pcs.pk],
            "body_html": "",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="new-ballot")
    assert article.body_html == "<p>PCS opens a ballot.</p>"
    assert article.published_date == dt.date(2013, 4, 7)


def test_an_original_too_deeply_nested_is_refused_with_its_reason(editor_client):
    response = editor_client.post(
        reverse("admin:archive_article_add"),
        {
            "title": "Nested",
            "slug": "nested",
            "status": "draft",
            "original": "<div>" * 5000 + "x",
            "original_format": "html",
            "date_precision": "day",
            "body_html": "",
        },
    )
    assert response.status_code == 200
    assert "nested too deeply" in response.content.decode()
    assert not Article.objects.filter(slug="nested").exists()


def test_person_page_has_a_role_inline_with_organisation_autocomplete(editor_client, serwotka):
    page = editor_client.get(
        reverse("admin:archive_person_change", args=[serwotka.pk])
    ).content.decode()
    assert "roles-TOTAL_FORMS" in page
    assert "general secretary" in page


def test_editor_adds_an_organisation(editor_client):
    response = editor_client.post(
        reverse("admin:archive_organisation_add"),
        {"name": "Unison", "slug": "unison", "kind": "trade_union", "aliases": "UNISON"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(slug="unison").alias_list == ["UNISON"]


def test_a_role_ending_before_it_starts_is_refused_in_plain_words(editor_client, serwotka, pcs):
    role = serwotka.roles.get()
    response = editor_client.post(
        reverse("admin:archive_person_change", args=[serwotka.pk]),
        {
            "name": serwotka.name,
            "slug": serwotka.slug,
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": role.pk,
            "roles-0-person": serwotka.pk,
            "roles-0-organisation": pcs.pk,
            "roles-0-title": "general secretary",
            "roles-0-start_date": "2005-01-01",
            "roles-0-end_date": "2004-01-01",
        },
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
