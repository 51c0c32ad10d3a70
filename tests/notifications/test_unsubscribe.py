"""Signed one-click unsubscribe: works signed out, confirms, can be undone; a tampered
or expired link changes nothing."""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from guanxi.notifications import selectors, services, unsubscribe
from guanxi.notifications.registry import Delivery

pytestmark = pytest.mark.django_db


def _link(user, scope="connection_request") -> str:
    return reverse("notifications_unsubscribe", args=[unsubscribe.make_token(user.pk, scope)])


def test_the_link_works_signed_out_confirms_and_undoes(bob):
    client = Client()
    page = client.get(_link(bob))
    assert page.status_code == 200
    text = page.content.decode()
    assert "We will not email you about “Invitations to connect” any more." in text
    assert selectors.delivery_for(bob, "connection_request") == Delivery.NEVER
    undo = re.search(r'name="undo" value="([^"]+)"', text).group(1)
    again = client.post(reverse("notifications_unsubscribe_undo"), {"undo": undo})
    assert again.status_code == 200
    assert "again, as before" in again.content.decode()
    assert selectors.delivery_for(bob, "connection_request") == Delivery.NOW


def test_undo_restores_a_chosen_delivery(bob, prefer):
    prefer(bob, "connection_request", "digest")
    undo = services.unsubscribe(user_id=bob.pk, scope="connection_request")
    assert selectors.delivery_for(bob, "connection_request") == Delivery.NEVER
    services.unsubscribe_undo(undo=undo)
    assert selectors.delivery_for(bob, "connection_request") == Delivery.DIGEST


def test_rfc8058_one_click_post(bob):
    client = Client(enforce_csrf_checks=True)  # a mail provider has no CSRF token
    answer = client.post(_link(bob), {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert selectors.delivery_for(bob, "connection_request") == Delivery.NEVER


def test_the_digest_link_pauses_all_email(bob):
    page = Client().get(_link(bob, unsubscribe.ALL))
    assert "We will not email you notifications any more." in page.content.decode()
    assert selectors.email_settings_for(bob).paused
    undo = re.search(r'name="undo" value="([^"]+)"', page.content.decode()).group(1)
    Client().post(reverse("notifications_unsubscribe_undo"), {"undo": undo})
    assert not selectors.email_settings_for(bob).paused


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: signing.dumps([1, "connection_request"], salt="another.salt"),
        lambda token: "not-a-token",
        lambda token: signing.dumps(["1", "connection_request"], salt=unsubscribe._SALT),
    ],
)
def test_a_tampered_link_changes_nothing(bob, mangle):
    token = mangle(unsubscribe.make_token(bob.pk, "connection_request"))
    answer = Client().get(reverse("notifications_unsubscribe", args=[token]))
    assert answer.status_code == 400
    assert "This link does not work" in answer.content.decode()
    assert selectors.delivery_for(bob, "connection_request") == Delivery.NOW


def test_a_link_for_another_member_cannot_be_forged(alice, bob):
    token = unsubscribe.make_token(bob.pk, "connection_request")
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(f'[{alice.pk},"connection_request"]'.encode()).decode() + ":" + rest
    assert Client().get(reverse("notifications_unsubscribe", args=[forged])).status_code == 400
    assert selectors.delivery_for(alice, "connection_request") == Delivery.NOW


def test_an_expired_link_changes_nothing(bob, monkeypatch):
    token = unsubscribe.make_token(bob.pk, "connection_request")
    later = time.time() + unsubscribe.UNSUBSCRIBE_MAX_AGE + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert Client().get(reverse("notifications_unsubscribe", args=[token])).status_code == 400
    assert selectors.delivery_for(bob, "connection_request") == Delivery.NOW


def test_an_unknown_kind_or_member_is_a_400(bob):
    for token in (unsubscribe.make_token(bob.pk, "gone_kind"), unsubscribe.make_token(10**9, "*")):
        assert Client().get(reverse("notifications_unsubscribe", args=[token])).status_code == 400
    bad_undo = Client().post(reverse("notifications_unsubscribe_undo"), {"undo": "x"})
    assert bad_undo.status_code == 400
    assert Client().get(reverse("notifications_unsubscribe_undo")).status_code == 405
