"""Password guessing is stopped: failed sign-ins are counted per account and per address."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import RequestFactory, override_settings

from archive.signin import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a-long-test-password"


def _sign_in(client, username="editor", password="wrong", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def hashing(monkeypatch):
    """Counts the password hasher's work (checking a password, or hashing one for no user)."""
    calls = []
    verify, encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "verify", lambda self, *a: calls.append("verify") or verify(self, *a)
    )
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *a: calls.append("encode") or encode(self, *a)
    )
    return calls


def test_an_account_is_locked_after_five_wrong_passwords_with_a_clear_message(
    client, editor, caplog
):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(4):
            assert _sign_in(client).status_code == 200  # the form again, with its error
        assert _sign_in(client).status_code == 429  # the fifth failure locks

        response = _sign_in(client, password=PASSWORD)  # right, but too late

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page and "paused for 15 minutes" in page
    assert "5 wrong passwords were tried" in page
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_guessing_one_account_from_many_addresses_locks_the_account(client, editor):
    for number in range(5):
        _sign_in(client, address=f"10.0.1.{number}")

    assert _sign_in(client, password=PASSWORD, address="10.0.2.1").status_code == 429


def test_guessing_many_accounts_from_one_address_locks_the_address(client, editor):
    for number in range(5):
        _sign_in(client, username=f"someone{number}")

    assert _sign_in(client, password=PASSWORD).status_code == 429
    # The editor signing in from elsewhere is not affected.
    assert _sign_in(client, password=PASSWORD, address="10.9.9.9").status_code == 302


def test_locked_out_attempts_cost_no_password_hashing_and_no_writes(client, editor, hashing):
    for _ in range(5):
        _sign_in(client)
    hashed, rows = len(hashing), AccessAttempt.objects.count()
    assert hashed >= 5

    for _ in range(30):
        assert _sign_in(client).status_code == 429
        assert _sign_in(client, username="nobody").status_code == 429

    assert len(hashing) == hashed
    assert AccessAttempt.objects.count() == rows


def test_the_lockout_ends_after_the_configured_time(client, editor):
    for _ in range(5):
        _sign_in(client)
    assert _sign_in(client, password=PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))

    assert _sign_in(client, password=PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=dt.timedelta(minutes=60))
def test_the_limit_and_the_lockout_time_are_configurable(client, editor):
    _sign_in(client)
    _sign_in(client)

    response = _sign_in(client, password=PASSWORD)

    assert response.status_code == 429
    assert "paused for 60 minutes" in response.content.decode()


def test_a_successful_sign_in_forgets_earlier_failures(client, editor):
    for _ in range(4):
        _sign_in(client)
    assert _sign_in(client, password=PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert _sign_in(client).status_code == 200
    assert _sign_in(client, password=PASSWORD).status_code == 302


def test_behind_trusted_proxies_the_client_address_comes_from_x_forwarded_for(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.ARCHIVE_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header may be forged
    settings.ARCHIVE_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw; "6.6.6.6" was sent
