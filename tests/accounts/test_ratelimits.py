"""allauth's rate limits answer 429 with a readable page; the admin login is behind them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from guanxi.accounts.models import User
from tests.accounts.helpers import session_user_id, signup_data
from tests.caching import clear_cache
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")
RESET = reverse("account_reset_password")


def _assert_readable_429(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Too many attempts" in html
    assert 'class="site-header"' in html  # the site frame, not a bare error


def test_failed_logins_for_one_address_are_limited(client, alice):
    # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per address.
    for _attempt in range(5):
        response = client.post(LOGIN, {"login": "alice@example.com", "password": "wrong-guess-1"})
        assert response.status_code == 200
    blocked = client.post(LOGIN, {"login": "alice@example.com", "password": "wrong-guess-1"})
    _assert_readable_429(blocked)
    assert "Reset it by email" in blocked.content.decode()
    # The right password does not get through while the address is blocked.
    right = Client().post(LOGIN, {"login": "alice@example.com", "password": PASSWORD})
    assert right.status_code == 429
    # Another member is not locked out by someone guessing alice's password.
    make_member("frank")
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        LOGIN, {"login": "frank@example.com", "password": PASSWORD}
    )
    assert other.status_code == 302


def test_failed_logins_from_one_address_are_limited(client):
    # ... and 10 per minute per IP, whichever addresses are tried.
    for index in range(10):
        response = client.post(LOGIN, {"login": f"who{index}@example.com", "password": "nope-nope"})
        assert response.status_code == 200
    _assert_readable_429(client.post(LOGIN, {"login": "who@example.com", "password": "nope"}))


def test_login_attempts_are_limited_per_ip(client, alice):
    # ACCOUNT_RATE_LIMITS["login"]: 30 per minute per IP, successful or not.
    for _attempt in range(30):
        client.post(LOGIN, {"login": "", "password": ""})
    _assert_readable_429(client.post(LOGIN, {"login": "alice@example.com", "password": PASSWORD}))
    assert session_user_id(client) is None


def test_signups_are_limited_per_ip(client, settings):
    assert settings.ACCOUNT_RATE_LIMITS["signup"] == "20/m/ip"
    # The same limit over an hour, so a slow CI machine cannot outlast the window.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "20/h/ip"}
    for index in range(20):
        response = client.post(SIGNUP, signup_data(username="ab", email=f"x{index}@example.com"))
        assert response.status_code == 200
    blocked = client.post(SIGNUP, signup_data())
    _assert_readable_429(blocked)
    assert not User.objects.exists()


def test_password_resets_are_limited_per_address(client, alice):
    for _attempt in range(5):
        assert client.post(RESET, {"email": "alice@example.com"}).status_code == 302
    sent = len(mail.outbox)
    _assert_readable_429(client.post(RESET, {"email": "ALICE@example.com"}))
    assert len(mail.outbox) == sent


def test_reset_limit_for_unknown_address_matches_known(client, alice):
    """An attacker cannot tell members from strangers by when the 429 arrives."""
    statuses = {}
    for email in ("alice@example.com", "stranger@example.com"):
        fresh = Client(REMOTE_ADDR=f"10.1.0.{len(statuses) + 1}")
        statuses[email] = [fresh.post(RESET, {"email": email}).status_code for _ in range(6)]
    assert statuses["alice@example.com"] == statuses["stranger@example.com"]
    assert statuses["alice@example.com"][-1] == 429


def test_admin_login_is_behind_the_limited_login(client):
    staff = make_member("staffer")
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()

    door = client.get("/admin/login/?next=/admin/")
    assert door.status_code == 302
    login_url = door["Location"]
    assert login_url.startswith(LOGIN)

    for _attempt in range(5):
        assert (
            client.post(login_url, {"login": "staffer@example.com", "password": "x"}).status_code
            == 200
        )
    _assert_readable_429(
        client.post(login_url, {"login": "staffer@example.com", "password": PASSWORD})
    )
    assert client.get("/admin/").status_code == 302  # still not in

    # Once the window has passed, the right password works.
    clear_cache()
    fresh = Client()
    response = fresh.post(login_url, {"login": "staffer@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert fresh.get("/admin/").status_code == 200
