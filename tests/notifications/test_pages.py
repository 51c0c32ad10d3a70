"""The notification settings page, the list's current states, and invitations answered
in place on the home page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from guanxi.network import services as network
from guanxi.network.introductions import services as introductions
from guanxi.notifications import selectors
from guanxi.notifications.models import EmailSettings, Notification
from guanxi.notifications.registry import Delivery
from tests.factories import make_member

pytestmark = pytest.mark.django_db

SETTINGS = "/notifications/settings/"


def _form(**changes) -> dict[str, str]:
    data = {
        "kind_connection_request": "now",
        "kind_connection_accepted": "digest",
        "kind_introduction_received": "now",
        "kind_introduction_completed": "digest",
        "kind_introduction_asked": "now",
        "language": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_settings_page_lists_every_kind_with_its_default(bob_client):
    page = bob_client.get(SETTINGS)
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Invitations to connect", "Accepted invitations", "Introductions to you"):
        assert label in text
    assert re.search(r'name="kind_connection_accepted" value="digest"[^>]*checked', text)
    assert re.search(r'name="kind_connection_request" value="now"[^>]*checked', text)
    assert f'href="{SETTINGS}" aria-current="page"' in text  # in the settings menu


def test_saving_choices(bob, bob_client):
    answer = bob_client.post(
        SETTINGS, _form(kind_connection_request="digest", paused="on", language="zh-hans")
    )
    assert answer.status_code == 302
    assert selectors.delivery_for(bob, "connection_request") == Delivery.DIGEST
    row = EmailSettings.objects.get(user=bob)
    assert row.paused and row.language == "zh-hans"
    assert re.search(r'name="paused"[^>]*checked', bob_client.get(SETTINGS).content.decode())


@pytest.mark.parametrize(
    "bad",
    [
        {"kind_connection_request": "sometimes"},
        {"kind_connection_request": None},
        {"language": "klingon"},
        {"kind_connection_request": "now\x00"},
    ],
)
def test_bad_input_is_a_400_with_the_form(bob, bob_client, bad):
    answer = bob_client.post(SETTINGS, _form(**bad))
    assert answer.status_code == 400
    assert 'class="errorlist' in answer.content.decode()
    assert selectors.delivery_for(bob, "connection_request") == Delivery.NOW


def test_the_settings_page_needs_a_login(client):
    assert client.get(SETTINGS).status_code == 302


def test_a_notification_shows_what_became_of_the_invitation(alice, bob, carol, dave, login):
    accepted = network.connection_request_send(sender=alice, recipient_id=bob.pk).request
    ignored = network.connection_request_send(sender=carol, recipient_id=bob.pk).request
    withdrawn = network.connection_request_send(sender=dave, recipient_id=bob.pk).request
    network.connection_request_accept(user=bob, request_id=accepted.pk)
    network.connection_request_ignore(user=bob, request_id=ignored.pk)
    network.connection_request_withdraw(user=dave, request_id=withdrawn.pk)
    eve = make_member("erin", display_name="Erin Wu")
    network.connection_request_send(sender=eve, recipient_id=bob.pk)
    text = login(bob).get(reverse("notifications")).content.decode()

    def line(name: str) -> str:
        return text.split(f"{name} wants to connect with you.")[1].split("</li>")[0]

    assert "You accepted" in line("Alice Chen")
    assert "You ignored this invitation" in line("Carol Wang")
    assert "Withdrawn" in line("Dave Zhang")
    assert "Waiting for your answer" in line("Erin Wu")


def test_a_notification_shows_where_the_introduction_stands(alice, bob, carol, connect, login):
    connect(alice, bob)
    connect(alice, carol)
    intro = introductions.introduction_create(
        introducer=alice, a_id=bob.pk, b_id=carol.pk, note="You both build communities."
    )
    page = login(bob).get(reverse("notifications")).content.decode()
    assert "Waiting for your answer" in page
    introductions.introduction_accept(user=bob, introduction_id=intro.pk)
    assert (
        "You accepted; waiting for the other person"
        in login(bob).get(reverse("notifications")).content.decode()
    )
    introductions.introduction_accept(user=carol, introduction_id=intro.pk)
    assert "You are now connected" in login(bob).get(reverse("notifications")).content.decode()


def test_the_list_costs_the_same_queries_for_two_or_twenty(
    bob, login, django_assert_max_num_queries
):
    client = login(bob)

    def fill(count: int) -> None:
        for i in range(count):
            sender = make_member(f"s{Notification.objects.count()}x{i}")
            request = network.connection_request_send(sender=sender, recipient_id=bob.pk).request
            if i % 3 == 0:
                network.connection_request_ignore(user=bob, request_id=request.pk)
            elif i % 3 == 1:
                network.connection_request_accept(user=bob, request_id=request.pk)

    fill(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("notifications")).status_code == 200
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("notifications")).status_code == 200


def test_home_shows_pending_invitations_and_answers_in_place(alice, bob, carol, login):
    network.connection_request_send(sender=alice, recipient_id=bob.pk, note="Met at the fair")
    second = network.connection_request_send(sender=carol, recipient_id=bob.pk).request
    client = login(bob)
    home = client.get("/").content.decode()
    assert "2 invitations waiting for you" in home
    assert "Met at the fair" in home
    answer = client.post(
        reverse("network_invitation_action", args=[second.pk, "accept"]), HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    fragment = answer.content.decode()
    assert f'id="invitation-{second.pk}"' in fragment
    assert "Invitation accepted. You are now connected." in fragment
    assert "Carol Wang" in fragment
    assert "1 invitation waiting for you" in client.get("/").content.decode()


def test_an_answer_that_fails_says_so_in_place(alice, bob, login):
    request = network.connection_request_send(sender=alice, recipient_id=bob.pk).request
    network.connection_request_withdraw(user=alice, request_id=request.pk)
    answer = login(bob).post(
        reverse("network_invitation_action", args=[request.pk, "ignore"]), HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200  # htmx swaps only 2xx answers
    assert "This invitation no longer exists." in answer.content.decode()


def test_no_invitations_no_box(bob_client):
    assert "waiting for you" not in bob_client.get("/").content.decode()
