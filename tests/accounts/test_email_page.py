"""The email settings page offers only what can apply to each address, and the account
refuses to lose its primary or only address whatever is posted."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

pytestmark = pytest.mark.django_db

EMAIL = "/accounts/email/"


def _row(html: str, address: str) -> str:
    for row in re.findall(r'<li class="split email-row">(.*?)</li>', html, re.S):
        if address in row:
            return row
    raise AssertionError(f"no row for {address}")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_only_address_offers_no_action_it_cannot_take(alice_client):
    html = alice_client.get(EMAIL).content.decode()
    row = _row(html, "alice@example.com")
    assert "Primary" in row and "Verified" in row
    for action in ("action_primary", "action_remove", "action_send"):
        assert action not in html
    assert "This is your only address, so it stays." in html


def test_each_address_offers_what_applies_to_it(alice_client, alice):
    EmailAddress.objects.create(user=alice, email="alice.work@example.com", verified=True)
    EmailAddress.objects.create(user=alice, email="alice.new@example.com", verified=False)
    html = alice_client.get(EMAIL).content.decode()
    primary = _row(html, "alice@example.com")
    assert "<button" not in primary
    confirmed = _row(html, "alice.work@example.com")
    assert 'name="action_primary"' in confirmed and 'name="action_remove"' in confirmed
    assert 'name="action_send"' not in confirmed
    unconfirmed = _row(html, "alice.new@example.com")
    assert 'name="action_send"' in unconfirmed and 'name="action_remove"' in unconfirmed
    assert 'name="action_primary"' not in unconfirmed
    assert "The primary address cannot be removed" in html


def test_the_only_address_cannot_be_removed_even_by_a_crafted_post(alice_client, alice):
    response = alice_client.post(
        EMAIL, {"action_remove": "", "email": "alice@example.com"}, follow=True
    )
    assert response.status_code == 200
    assert EmailAddress.objects.filter(user=alice, email="alice@example.com").exists()
    assert _messages(response) == [
        "alice@example.com stays: it is your primary or your only address. "
        "Make another confirmed address primary first."
    ]


def test_the_primary_cannot_be_removed_while_others_exist(alice_client, alice):
    EmailAddress.objects.create(user=alice, email="alice.work@example.com", verified=True)
    alice_client.post(EMAIL, {"action_remove": "", "email": "alice@example.com"})
    assert EmailAddress.objects.get(user=alice, primary=True).email == "alice@example.com"

    response = alice_client.post(
        EMAIL, {"action_primary": "", "email": "alice.work@example.com"}, follow=True
    )
    assert EmailAddress.objects.get(user=alice, primary=True).email == "alice.work@example.com"
    assert "Your primary address is changed; we will write to it from now on." in _messages(
        response
    )
    response = alice_client.post(
        EMAIL, {"action_remove": "", "email": "alice@example.com"}, follow=True
    )
    assert not EmailAddress.objects.filter(email="alice@example.com").exists()
    assert _messages(response) == ["alice@example.com is removed from your account."]


def test_an_unconfirmed_address_cannot_become_primary(alice_client, alice):
    EmailAddress.objects.create(user=alice, email="alice.new@example.com", verified=False)
    response = alice_client.post(
        EMAIL, {"action_primary": "", "email": "alice.new@example.com"}, follow=True
    )
    assert EmailAddress.objects.get(user=alice, primary=True).email == "alice@example.com"
    assert _messages(response) == [
        "Only a confirmed address can be your primary one. Confirm it first."
    ]


def test_bad_input_is_not_a_500(alice_client):
    for data in ({"action_remove": "", "email": "not an address"}, {"action_remove": ""}):
        assert alice_client.post(EMAIL, data).status_code == 302
    assert alice_client.post(EMAIL, {"action_remove": "", "email": "x\x00@a.b"}).status_code < 500
