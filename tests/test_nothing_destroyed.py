"""Nothing destroyed by mistake: editors withdraw rather than delete articles; an organisation,
person or event still named in an article cannot be deleted; and what only drafts name stays
out of public sight until an article about it is published."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from archive.models import Article, Event, Organisation, Person
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_editors_cannot_delete_articles_one_by_one_or_in_bulk(editor_client, published_article):
    changelist = reverse("admin:archive_article_changelist")
    assert "delete_selected" not in editor_client.get(changelist).content.decode()
    editor_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [published_article.pk], "post": "yes"},
    )
    delete = reverse("admin:archive_article_delete", args=[published_article.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=published_article.pk).exists()


def test_a_superuser_can_delete_an_article(admin_client, published_article):
    delete = reverse("admin:archive_article_delete", args=[published_article.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=published_article.pk).exists()


@pytest.mark.parametrize("model", ["organisation", "person", "event"])
def test_an_entity_still_linked_to_an_article_cannot_be_deleted(
    admin_client, published_article, pcs, serwotka, n30, model
):
    obj = {"organisation": pcs, "person": serwotka, "event": n30}[model]
    delete = reverse(f"admin:archive_{model}_delete", args=[obj.pk])
    page = admin_client.get(delete).content.decode()
    assert "Article (still links to it)" in page and published_article.title in page
    admin_client.post(delete, {"post": "yes"})
    changelist = reverse(f"admin:archive_{model}_changelist")
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_entity_no_article_names_can_be_deleted(editor, client, treasury):
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    delete = reverse("admin:archive_organisation_delete", args=[treasury.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=treasury.pk).exists()


def test_entities_named_only_in_drafts_are_hidden_until_an_article_is_published(
    client, draft_article, pcs
):
    person = Person.objects.create(name="Draft Person", slug="draft-person")
    event = Event.objects.create(name="Draft ballot", slug="draft-ballot", start_date="2013-04-07")
    draft_article.people.add(person)
    draft_article.events.add(event)
    hidden = [pcs.get_absolute_url(), person.get_absolute_url(), event.get_absolute_url()]
    hidden += [pcs.get_permanent_url(), person.get_permanent_url(), event.get_permanent_url()]
    for url in hidden:
        assert client.get(url).status_code == 404, url
    for index in ("/organisations/", "/people/", "/events/"):
        page = client.get(index).content.decode()
        assert "Public and Commercial" not in page
        assert "Draft Person" not in page and "Draft ballot" not in page

    draft_article.status = Article.Status.PUBLISHED
    draft_article.save()
    for url in hidden[:3]:
        assert client.get(url).status_code == 200, url
    assert "Draft Person" in client.get("/people/").content.decode()


def test_links_to_hidden_entities_are_left_out_of_public_pages(client, published_article, pcs):
    secret = Organisation.objects.create(name="Secret Parent", slug="secret-parent")
    pcs.parent = secret
    pcs.save()
    make_article(title="Draft about it", slug="d", organisations=[secret], status="draft")
    page = client.get(pcs.get_absolute_url()).content.decode()
    assert "Secret Parent" not in page


def test_staff_see_every_entity(editor_client, draft_article, pcs):
    assert editor_client.get(pcs.get_absolute_url()).status_code == 200


def test_entity_pages_leave_out_every_entity_named_only_in_drafts(client, published_article, pcs):
    # PCS, the TUC, Serwotka and N30 are public (the published article names them); these
    # are named only in a draft, and each kind of link to them stays off the public pages.
    child = Organisation.objects.create(name="Hidden Branch", slug="hidden-branch", parent=pcs)
    heir = Organisation.objects.create(name="Hidden Heir", slug="hidden-heir", predecessor=pcs)
    official = Person.objects.create(name="Hidden Official", slug="hidden-official")
    official.roles.create(organisation=pcs, title="president")
    ballot = Event.objects.create(
        name="Hidden Ballot", slug="hidden-ballot", start_date="2012-01-05"
    )
    ballot.organisations.add(pcs, child)
    serwotka = published_article.people.get()
    serwotka.roles.create(organisation=child, title="member")
    make_article(
        title="Draft about them", slug="d", organisations=[child, heir], people=[official],
        events=[ballot], status="draft",
    )  # fmt: skip
    n30 = published_article.events.get()
    n30.organisations.add(child)
    pages = [pcs.get_absolute_url(), serwotka.get_absolute_url(), n30.get_absolute_url()]
    pages += ["/events/", "/events/?union=pcs"]  # the timeline named N30's hidden union too
    for url in pages:
        page = client.get(url).content.decode()
        for name in ("Hidden Branch", "Hidden Heir", "Hidden Official", "Hidden Ballot"):
            assert name not in page, (url, name)
    make_article(title="Now public", slug="p", organisations=[child, heir], people=[official])
    page = client.get(pcs.get_absolute_url()).content.decode()
    assert "Hidden Branch" in page and "Hidden Heir" in page and "Hidden Official" in page
