"""Two editors saving the same record: the second save, based on an older version, is refused
with a message naming who changed what since, and nothing is overwritten."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse

from archive.models import Article, Organisation, StaleEdit
from tests.admin_forms import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(django_user_model):
    clients = []
    for name in ("alice", "bob"):
        user = django_user_model.objects.create_user(
            username=name, password="a-long-test-password", is_staff=True
        )
        user.groups.add(Group.objects.get(name="Editors"))
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_the_second_of_two_editors_saving_an_article_is_refused_and_told_who_changed_what(
    two_editors, published_article
):
    alice, bob = two_editors
    url = change_url(published_article)
    alice_data = form_data(alice.get(url))
    bob_data = form_data(bob.get(url))

    alice_data["title"] = "Civil servants walk out over pensions"
    assert alice.post(url, alice_data).status_code == 302

    bob_data["byline"] = "Bob Reporter"  # a different field: the form posts every field
    response = bob.post(url, bob_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "your changes were not saved" in page
    assert "alice (" in page and "Changed Title." in page

    published_article.refresh_from_db()
    assert published_article.title == "Civil servants walk out over pensions"
    assert published_article.byline == ""
    assert published_article.version == 2

    # Reloaded, bob's form carries the new version and his edit goes through.
    bob_data = form_data(bob.get(url))
    bob_data["byline"] = "Bob Reporter"
    assert bob.post(url, bob_data).status_code == 302
    published_article.refresh_from_db()
    assert published_article.title == "Civil servants walk out over pensions"
    assert published_article.byline == "Bob Reporter"


@pytest.mark.parametrize("model", ["organisation", "person", "event", "role"])
def test_every_archive_models_form_refuses_a_stale_save(
    two_editors, published_article, pcs, serwotka, n30, model
):
    obj = {
        "organisation": pcs,
        "person": serwotka,
        "event": n30,
        "role": serwotka.roles.get(),
    }[model]
    alice, bob = two_editors
    url = change_url(obj)
    alice_data, bob_data = form_data(alice.get(url)), form_data(bob.get(url))
    field = "title" if model == "role" else "name"
    alice_data[field] = "Changed by alice"
    assert alice.post(url, alice_data).status_code == 302
    bob_data[field] = "Changed by bob"
    response = bob.post(url, bob_data)
    assert response.status_code == 200
    assert "alice (" in response.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) == "Changed by alice"


def test_a_list_action_on_a_stale_list_leaves_the_changed_article_alone(
    two_editors, published_article, draft_article
):
    alice, bob = two_editors
    changelist = reverse("admin:archive_article_changelist")
    page = bob.get(changelist).content.decode()
    assert f'name="_version" value="{published_article.pk}:1"' in page

    url = change_url(published_article)
    data = form_data(alice.get(url))
    data["standfirst"] = "Alice's standfirst."
    alice.post(url, data)

    response = bob.post(
        changelist,
        {
            "action": "withdraw",
            "_selected_action": [published_article.pk, draft_article.pk],
            "_version": [f"{published_article.pk}:1", f"{draft_article.pk}:1"],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "your changes were not saved" in page and "alice (" in page
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.PUBLISHED


def test_saving_a_stale_instance_raises_and_writes_nothing(pcs):
    first = Organisation.objects.get(pk=pcs.pk)
    second = Organisation.objects.get(pk=pcs.pk)
    first.description = "First."
    first.save()
    second.description = "Second."
    with pytest.raises(StaleEdit), transaction.atomic():
        second.save()
    assert second.version == 1  # unchanged, so a reload-and-retry starts from the truth
    pcs.refresh_from_db()
    assert (pcs.description, pcs.version) == ("First.", 2)


def test_two_hundred_alternating_saves_lose_nothing(published_article):
    """The issue's reproduction: two sessions each saving the row as they loaded it."""
    saved = refused = 0
    for round_number in range(100):
        a = Article.objects.get(pk=published_article.pk)
        b = Article.objects.get(pk=published_article.pk)
        for instance, field in ((a, "byline"), (b, "source")):
            setattr(instance, field, f"{field} {round_number}")
            try:
                with transaction.atomic():
                    instance.save()
                saved += 1
            except StaleEdit:
                refused += 1
    published_article.refresh_from_db()
    assert (saved, refused) == (100, 100)
    assert published_article.version == 101
    assert published_article.byline == "byline 99"
