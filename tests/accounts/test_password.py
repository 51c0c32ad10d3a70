"""Password reset (no enumeration) and password change (every session dies)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from guanxi.accounts.models import AccessToken
from guanxi.accounts.services import access_token_create, access_token_use
from tests.accounts.helpers import RESET_LINK, link_from_outbox, session_user_id, without_csrf
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

RESET = reverse("account_reset_password")
CHANGE = reverse("account_change_password")
NEW_PASSWORD = "a-much-better-passphrase-42"


def test_reset_answers_the_same_for_known_and_unknown_emails(alice):
    known_client, unknown_client = Client(), Client()
    known = known_client.post(RESET, {"email": "alice@example.com"})
    unknown = unknown_client.post(RESET, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")

    known_page = known_client.get(known["Location"])
    unknown_page = unknown_client.get(unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert without_csrf(known_page.content.decode()) == without_csrf(unknown_page.content.decode())
    # Each address gets one email: a reset link for the member, a note for the stranger.
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "nobody@example.com"]
    assert RESET_LINK.search(next(m.body for m in mail.outbox if m.to == ["alice@example.com"]))
    assert not RESET_LINK.search(
        next(m.body for m in mail.outbox if m.to == ["nobody@example.com"])
    )


@pytest.mark.parametrize("email", ["", "not-an-email", "x" * 400 + "@example.com"])
def test_reset_with_invalid_email_is_a_field_error(client, email):
    response = client.post(RESET, {"email": email})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


def test_reset_flow_sets_a_new_password(client, alice):
    client.post(RESET, {"email": "alice@example.com"})
    link = link_from_outbox(RESET_LINK, "alice@example.com")

    landing = client.get(link)
    assert landing.status_code == 302  # allauth moves the key out of the URL
    form_url = landing["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()

    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_reset_with_a_bad_key_says_so(client, alice):
    response = client.get("/accounts/password/reset/key/1-bad-key/", follow=True)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_password_change_kills_every_session(alice):
    this_device, other_device = Client(), Client()
    for device in (this_device, other_device):
        device.post(reverse("account_login"), {"login": "alice@example.com", "password": PASSWORD})
        assert session_user_id(device) == str(alice.pk)

    response = this_device.post(
        CHANGE, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    # The other device's session no longer authenticates (session auth hash)...
    assert other_device.get(reverse("settings")).status_code == 302
    assert session_user_id(other_device) is None
    # ...and this one was logged out too (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE).
    assert this_device.get(reverse("settings")).status_code == 302


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("wrong-old-password", NEW_PASSWORD, NEW_PASSWORD, "oldpassword"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "password2"),
        (PASSWORD, "short", "short", "password1"),
        (PASSWORD, "alice@example.com", "alice@example.com", "password1"),
    ],
)
def test_password_change_refuses_bad_input(alice_client, alice, old, new1, new2, field):
    response = alice_client.post(CHANGE, {"oldpassword": old, "password1": new1, "password2": new2})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_change_page_sits_in_the_settings_frame(alice_client):
    html = alice_client.get(CHANGE).content.decode()
    assert 'class="settings-nav' in html
    assert 'aria-current="page">Password<' in html
    assert "Change your password" in html


def test_password_change_needs_login(client):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- API tokens and the password ------------------------------------------------------


def test_password_page_says_tokens_survive_and_offers_to_revoke_them(alice_client, alice):
    access_token_create(user=alice, name="cli")
    access_token_create(user=alice, name="laptop")
    html = alice_client.get(CHANGE).content.decode()
    assert "You have 2" in html and "keep working after a password change" in html
    assert reverse("settings_tokens_revoke_all") in html
    assert 'name="revoke_tokens"' in html


def test_password_page_without_tokens_has_no_revoke_offer(alice_client):
    html = alice_client.get(CHANGE).content.decode()
    assert "You have no API tokens" in html
    assert 'name="revoke_tokens"' not in html
    assert reverse("settings_tokens_revoke_all") not in html


def test_revoke_all_button_revokes_every_token_of_the_member_only(alice_client, alice, bob):
    _token, alice_raw = access_token_create(user=alice, name="cli")
    access_token_create(user=alice, name="laptop")
    _token, bob_raw = access_token_create(user=bob, name="bob's")
    response = alice_client.post(
        reverse("settings_tokens_revoke_all"), {"next": CHANGE}, follow=True
    )
    assert response.redirect_chain == [(CHANGE, 302)]
    assert "Revoked all 2 of your API tokens" in response.content.decode()
    assert not AccessToken.objects.filter(user=alice).exists()
    assert access_token_use(raw=alice_raw) is None
    assert access_token_use(raw=bob_raw) == bob
    again = alice_client.post(reverse("settings_tokens_revoke_all"), follow=True)
    assert again.redirect_chain == [(reverse("settings_tokens"), 302)]
    assert "You had no API tokens to revoke" in again.content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x"])
def test_revoke_all_does_not_redirect_off_site(alice_client, next_url):
    response = alice_client.post(reverse("settings_tokens_revoke_all"), {"next": next_url})
    assert response["Location"] == reverse("settings_tokens")


def test_revoke_all_needs_post_and_login(client, alice_client):
    assert alice_client.get(reverse("settings_tokens_revoke_all")).status_code == 405
    response = client.post(reverse("settings_tokens_revoke_all"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("revoke", [True, False])
def test_password_change_keeps_tokens_unless_asked_to_revoke_them(alice_client, alice, revoke):
    _token, raw = access_token_create(user=alice, name="cli")
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    if revoke:
        data["revoke_tokens"] = "on"
    assert alice_client.post(CHANGE, data).status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert (access_token_use(raw=raw) is None) is revoke


def test_a_refused_password_change_revokes_nothing(alice_client, alice):
    _token, raw = access_token_create(user=alice, name="cli")
    data = {"oldpassword": "wrong-old-password", "password1": NEW_PASSWORD}
    response = alice_client.post(CHANGE, {**data, "password2": NEW_PASSWORD, "revoke_tokens": "on"})
    assert response.status_code == 200
    assert access_token_use(raw=raw) == alice
