"""Two editors saving the same record: the second save, based on an older version, is refused
with a message naming who changed what since, and nothing is overwritten."""

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError, transaction
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


def test_a_save_that_loses_the_race_after_its_check_is_shown_again_with_who(
    two_editors, published_article, monkeypatch
):
    """Both forms pass their check; the second UPDATE finds the version moved: nothing is
    written and the editor gets the form back, with the message, not a server error."""
    from archive.admin import ArticleAdmin

    alice, bob = two_editors
    url = change_url(published_article)
    bob_data = form_data(bob.get(url))
    save_model = ArticleAdmin.save_model
    raced = []

    def save_after_someone_else(self, request, obj, form, change):
        if not raced:  # alice saves between bob's check and bob's write
            raced.append(True)
            other = Article.objects.get(pk=obj.pk)
            other.byline = "Alice Racer"
            other.save()
        return save_model(self, request, obj, form, change)

    monkeypatch.setattr(ArticleAdmin, "save_model", save_after_someone_else)
    bob_data["title"] = "Bob's title"
    response = bob.post(url, bob_data)
    # (Here alice's save shared bob's connection, so it was rolled back with his; on a real
    # server it is committed, and the message names her.)
    assert response.status_code == 200
    assert "your changes were not saved" in response.content.decode()
    assert 'value="Bob&#x27;s title"' in response.content.decode()  # his input is kept
    published_article.refresh_from_db()
    assert published_article.title == "Civil servants strike over pensions"


@pytest.mark.django_db(transaction=True)
def test_concurrent_sessions_never_lose_a_save(published_article):
    """Two threads, each with its own database connection, saving the row as they loaded it:
    every save either lands or is refused, and every one that landed is in the row."""
    import threading
    import time

    from django.db import connection

    landed: list[str] = []
    errors: list[BaseException] = []

    def editor(name: str) -> None:
        try:
            for n in range(25):
                token = f"{name}{n}"
                for _attempt in range(200):
                    try:
                        article = Article.objects.get(pk=published_article.pk)
                        article.byline = f"{article.byline} {token}".strip()[-200:]
                        with transaction.atomic():
                            article.save(update_fields=["byline"])
                        landed.append(token)
                    except StaleEdit:
                        pass  # refused: the other editor saved first
                    except OperationalError as error:
                        # SQLite's shared in-memory test database answers a write that meets
                        # another's lock with "locked" instead of waiting: nothing was written.
                        if "locked" not in str(error):
                            raise
                        time.sleep(0.001)
                        continue
                    break
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=editor, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    published_article.refresh_from_db()
    assert published_article.version == 1 + len(landed)
    assert set(published_article.byline.split()) == set(landed)
