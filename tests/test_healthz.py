"""/healthz: what load balancers (and the server benchmark) poll."""

import pytest


def test_healthz_answers_ok_without_touching_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_works_without_any_database_access_allowed(client):
    # No django_db mark: pytest-django refuses any query, so this fails if one is made.
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
def test_healthz_is_never_stored_in_the_page_cache(client):
    assert "X-Page-Cache" not in client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/healthz")
