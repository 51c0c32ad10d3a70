"""The notifications API says where each notification's subject stands now."""

from __future__ import annotations

import pytest

from guanxi.accounts.services import access_token_create
from guanxi.api.schemas import MemberCard
from guanxi.network import services as network
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_the_api_lists_current_states(client, alice, bob, carol):
    waiting = network.connection_request_send(sender=bob, recipient_id=alice.pk).request
    accepted = network.connection_request_send(sender=carol, recipient_id=alice.pk).request
    network.connection_request_accept(user=alice, request_id=accepted.pk)
    _token, raw = access_token_create(user=alice, name="t")
    listing = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {raw}"})
    items = {item["actor_handle"]: item for item in listing.json()["items"]}
    assert (items["bob"]["state"], items["bob"]["awaiting_you"]) == (
        "Waiting for your answer",
        True,
    )
    assert (items["carol"]["state"], items["carol"]["awaiting_you"]) == ("You accepted", False)
    assert waiting.pk != accepted.pk


def _listing(client, user) -> dict:
    _token, raw = access_token_create(user=user, name="t")
    response = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    return response.json()


def test_the_actor_is_the_one_member_card(client, alice, carol):
    network.connection_request_send(sender=carol, recipient_id=alice.pk)
    (item,) = _listing(client, alice)["items"]
    card = item["actor"]
    assert item["actor_handle"] == card["handle"] == "carol"
    assert card["display_name"] == "Carol Wang" and card["headline"] == "Product designer"
    # The same card, with the same absolute URLs, as every other list of people.
    assert card["url"] == "http://testserver/@carol/"
    assert set(card) == set(MemberCard.model_fields)


def test_an_actor_the_recipient_blocked_shows_as_null(client, alice, carol):
    network.connection_request_send(sender=carol, recipient_id=alice.pk)
    network.block(blocker=alice, blocked_id=carol.pk)
    (item,) = _listing(client, alice)["items"]
    assert item["actor"] is None and item["state"] == "Withdrawn"


@pytest.mark.parametrize("senders", [2, 8])
def test_a_page_of_notifications_takes_a_fixed_number_of_queries(
    client, alice, senders, django_assert_num_queries
):
    for i in range(senders):
        member = make_member(f"sender{i}")
        network.connection_request_send(sender=member, recipient_id=alice.pk)
    _token, raw = access_token_create(user=alice, name="t")
    headers = {"Authorization": f"Bearer {raw}"}
    client.get("/api/v1/notifications", headers=headers)  # warm the token check's cache
    # Token, the page of notifications (with actors, one query), the invitations' current
    # states, the actors' cards (blocks, profiles, skills), the unread count.
    with django_assert_num_queries(7):
        body = client.get("/api/v1/notifications", headers=headers).json()
    assert len(body["items"]) == senders
    assert {item["actor"]["handle"] for item in body["items"]} == {
        f"sender{i}" for i in range(senders)
    }
