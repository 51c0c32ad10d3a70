"""The notifications API says where each notification's subject stands now."""

from __future__ import annotations

import pytest

from guanxi.accounts.services import access_token_create
from guanxi.network import services as network

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
