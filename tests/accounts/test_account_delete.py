"""Deleting an account: confirmation rules, what goes with it, and the goodbye."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from guanxi.accounts.models import AccessToken, Profile, User
from guanxi.accounts.services import access_token_create, account_delete
from tests.accounts.helpers import session_user_id
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DELETE = reverse("settings_delete")


def _logged_in(email: str) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    return client


def test_delete_page_asks_for_password_and_handle(alice_client):
    response = alice_client.get(DELETE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password"' in html and 'name="handle"' in html
    assert "cannot be undone" in html
    assert 'aria-current="page">Delete account<' in html


def test_delete_page_needs_login(client):
    response = client.get(DELETE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("password", "handle", "field"),
    [
        ("wrong-password-123", "alice", "password"),
        (PASSWORD, "bob", "handle"),
        (PASSWORD, "alicee", "handle"),
        ("", "alice", "password"),
        (PASSWORD, "", "handle"),
        (PASSWORD, "a" * 5000, "handle"),
    ],
)
def test_wrong_confirmation_is_refused(alice_client, alice, bob, password, handle, field):
    response = alice_client.post(DELETE, {"password": password, "handle": handle})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert User.objects.filter(pk=alice.pk).exists()
    assert session_user_id(alice_client) == str(alice.pk)


def test_handle_confirmation_forgives_case_and_at_sign(alice_client, alice):
    response = alice_client.post(DELETE, {"password": PASSWORD, "handle": "@Alice"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()


def test_delete_removes_everything_and_logs_out(alice, bob, django_capture_on_commit_callbacks):
    client = _logged_in("alice@example.com")
    other_device = _logged_in("alice@example.com")
    access_token_create(user=alice, name="script")
    access_token_create(user=bob, name="bob's")
    photo_name = default_storage.save(f"photos/{alice.pk}/me.jpg", ContentFile(b"jpeg-bytes"))
    Profile.objects.filter(user=alice).update(photo=photo_name)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": PASSWORD, "handle": "alice"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")

    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Profile.objects.filter(user_id=alice.pk).exists()
    assert not AccessToken.objects.filter(user_id=alice.pk).exists()
    assert not EmailAddress.objects.filter(user_id=alice.pk).exists()
    assert not default_storage.exists(photo_name)
    # Others are untouched.
    assert Profile.objects.filter(user=bob).exists()
    assert AccessToken.objects.filter(user=bob).count() == 1

    assert not Session.objects.filter(session_key=session_key).exists()
    home = client.get(response["Location"])
    assert session_user_id(client) is None
    assert "Your account and everything in it have been deleted" in home.content.decode()
    # A session elsewhere is dead too: its user no longer exists.
    assert other_device.get(reverse("settings")).status_code == 302

    # The address and the handle can be used again.
    assert not User.objects.filter(username="alice").exists()


def test_wrong_attempts_are_rate_limited(alice_client, alice):
    for _attempt in range(5):
        response = alice_client.post(DELETE, {"password": "wrong-password-123", "handle": "alice"})
        assert response.status_code == 200
    blocked = alice_client.post(DELETE, {"password": PASSWORD, "handle": "alice"})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_service_deletes_a_member_without_profile():
    user = User.objects.create_user(username="bare", email="bare@example.com", password=PASSWORD)
    account_delete(user=user)
    assert not User.objects.filter(username="bare").exists()


def test_shared_demo_avatar_survives_a_deletion(alice, bob, django_capture_on_commit_callbacks):
    shared = default_storage.save("demo/avatar-01.jpg", ContentFile(b"jpeg-bytes"))
    Profile.objects.filter(user__in=[alice, bob]).update(photo=shared)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=alice)
    assert default_storage.exists(shared)
    assert Profile.objects.get(user=bob).photo.name == shared
