"""The settings hub, the restyled allauth pages, and the email page."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from guanxi.accounts.services import access_token_create

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"")


def test_settings_hub(alice_client, alice):
    access_token_create(user=alice, name="x")
    response = alice_client.get(reverse("settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your account" in html
    assert "alice@example.com" in html and "Verified" in html and "@alice" in html
    assert "You have 1 token." in html
    for name in (
        "profile_edit",
        "account_email",
        "account_change_password",
        "settings_tokens",
        "settings_delete",
    ):
        assert f'href="{reverse(name)}"' in html
    assert 'aria-current="page">Overview<' in html


def test_settings_hub_needs_login(client):
    response = client.get(reverse("settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
]
MEMBER_PAGES = [
    "settings",
    "settings_tokens",
    "settings_delete",
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_entrance_pages_render_in_a_card_without_inline_code(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="card narrow auth-card"' in html
    assert not INLINE.search(html), INLINE.search(html)


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_render_without_inline_code(alice_client, name):
    response = alice_client.get(reverse(name))
    assert response.status_code == 200
    assert not INLINE.search(response.content.decode())


def test_manage_pages_show_the_settings_nav(alice_client):
    html = alice_client.get(reverse("account_email")).content.decode()
    assert 'class="settings-nav' in html
    assert 'aria-current="page">Email<' in html
    assert "alice@example.com" in html


def test_add_an_email_address_sends_a_confirmation(alice_client, alice):
    response = alice_client.post(
        reverse("account_email"), {"action_add": "", "email": "alice.work@example.com"}
    )
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=alice, email="alice.work@example.com").exists()
    assert mail.outbox[-1].to == ["alice.work@example.com"]


@pytest.mark.parametrize("email", ["nope", "", "a" * 250 + "@example.com", "ALICE@example.com"])
def test_add_email_refuses_bad_addresses(alice_client, alice, email):
    response = alice_client.post(reverse("account_email"), {"action_add": "", "email": email})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert EmailAddress.objects.filter(user=alice).count() == 1


def test_another_members_address_never_becomes_yours(alice_client, alice, bob):
    # allauth answers as for a free address (no enumeration) and mails a link...
    response = alice_client.post(
        reverse("account_email"), {"action_add": "", "email": "bob@example.com"}
    )
    assert response.status_code == 302
    added = EmailAddress.objects.get(user=alice, email="bob@example.com")
    assert not added.verified
    # ...but it cannot be made primary...
    primary = alice_client.post(
        reverse("account_email"), {"action_primary": "", "email": "bob@example.com"}
    )
    assert primary.status_code == 302  # refused with a message, not a 500
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    # ...nor logged in with: the login finds bob.
    assert EmailAddress.objects.get(email="bob@example.com", verified=True).user == bob


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_entrance_pages_render_in_chinese(client, name):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in response.content.decode()


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_render_in_chinese(alice_client, alice, name):
    access_token_create(user=alice, name="脚本")
    response = alice_client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in response.content.decode()
