"""Login, logout and the session's life: rotation on login, death on logout."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.helpers import session_user_id
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
LOGOUT = reverse("account_logout")


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_by_email_and_password(client, alice):
    response = _login(client, "alice@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert session_user_id(client) == str(alice.pk)


def test_login_email_is_case_insensitive(client, alice):
    assert _login(client, "Alice@EXAMPLE.com").status_code == 302
    assert session_user_id(client) == str(alice.pk)


def test_login_respects_a_safe_next(client, alice):
    response = client.post(
        f"{LOGIN}?next=/settings/", {"login": "alice@example.com", "password": PASSWORD}
    )
    assert response["Location"] == "/settings/"
    evil = client.post(
        f"{LOGIN}?next=https://evil.example/", {"login": "alice@example.com", "password": PASSWORD}
    )
    assert "evil.example" not in evil.get("Location", "")


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("alice@example.com", "wrong-password-123"),
        ("nobody@example.com", PASSWORD),
        ("alice", PASSWORD),  # handles are not a login method
        ("", ""),
        ("x" * 5000, "y" * 5000),
    ],
)
def test_bad_credentials_are_form_errors(client, alice, login, password):
    response = _login(client, login, password)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert session_user_id(client) is None


def test_wrong_password_and_unknown_email_read_the_same(alice):
    known = _login(Client(), "alice@example.com", "wrong-password-123")
    unknown = _login(Client(), "nobody@example.com", "wrong-password-123")
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_inactive_member_cannot_log_in(client, alice):
    alice.is_active = False
    alice.save()
    response = _login(client, "alice@example.com")
    assert session_user_id(client) is None
    assert response["Location"] == reverse("account_inactive")
    page = client.get(response["Location"])
    assert "This account is inactive" in page.content.decode()


def test_session_key_rotates_on_login(client, alice):
    session = client.session  # an anonymous session, as a visitor would have one
    session["seen"] = True
    session.save()
    before = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before

    _login(client, "alice@example.com")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert session_user_id(client) == str(alice.pk)


def test_logout_by_post_kills_the_session(client, alice):
    _login(client, "alice@example.com")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert session_user_id(client) is None

    # Replaying the old cookie gets an anonymous visitor.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("settings")).status_code == 302


def test_a_session_deleted_on_the_server_ends_at_the_next_request(client, alice):
    """guanxi.core.sessions reads the row on every request: revocation needs no cache."""
    _login(client, "alice@example.com")
    assert client.get(reverse("settings")).status_code == 200
    Session.objects.filter(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).delete()
    assert client.get(reverse("settings")).status_code == 302


def test_an_expired_session_is_not_loaded(client, alice):
    _login(client, "alice@example.com")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    assert client.get(reverse("settings")).status_code == 302


def test_logout_by_get_only_asks(client, alice):
    _login(client, "alice@example.com")
    response = client.get(LOGOUT)
    assert response.status_code == 200
    assert "Do you want to log out" in response.content.decode()
    assert session_user_id(client) == str(alice.pk)


def test_logged_in_member_visiting_login_is_sent_on(client, alice):
    _login(client, "alice@example.com")
    assert client.get(LOGIN).status_code == 302


def test_header_shows_logout_form_when_logged_in(alice_client):
    html = alice_client.get(reverse("settings")).content.decode()
    assert f'action="{LOGOUT}"' in html


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    # Posting credentials straight to the admin does nothing: no second, unlimited door.
    staff = make_member("staffer")
    staff.is_staff = True
    staff.save()
    post = client.post("/admin/login/", {"username": "staffer", "password": PASSWORD})
    assert post.status_code == 302 and post["Location"].startswith(LOGIN)
    assert session_user_id(client) is None


def test_staff_reach_the_admin_after_allauth_login(client):
    staff = make_member("staffer")
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    response = client.post(
        f"{LOGIN}?next=/admin/", {"login": "staffer@example.com", "password": PASSWORD}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_members_without_staff_rights_are_refused_the_admin(alice_client):
    assert alice_client.get("/admin/login/").status_code == 403
