"""The network REST API: same rules as the pages, JSON errors with the right status."""

from __future__ import annotations

import pytest

from guanxi.accounts.services import access_token_create
from guanxi.network import selectors, services
from guanxi.network.models import ConnectionRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """api(user) -> a function calling the API with that member's token."""

    def for_user(user):
        _token, raw = access_token_create(user=user, name="test")
        headers = {"Authorization": f"Bearer {raw}"}

        def call(method, path, json=None):
            kwargs = {"headers": headers}
            if json is not None:
                kwargs.update(data=json, content_type="application/json")
            return getattr(client, method)(f"/api/v1/network{path}", **kwargs)

        return call

    return for_user


def error_code(response):
    return response.json()["error"]["code"]


def test_anonymous_gets_401(client):
    response = client.get("/api/v1/network/connections")
    assert response.status_code == 401 and error_code(response) == "unauthenticated"


def test_invite_accept_list_remove(api, alice, bob):
    as_alice, as_bob = api(alice), api(bob)
    sent = as_alice("post", "/invitations", {"handle": "bob", "note": "hello"})
    assert sent.status_code == 201 and sent.json()["status"] == "pending"
    received = as_bob("get", "/invitations").json()
    assert [r["member"]["handle"] for r in received] == ["alice"] and received[0]["note"] == "hello"
    assert as_alice("get", "/invitations/sent").json()[0]["member"]["handle"] == "bob"
    accepted = as_bob("post", f"/invitations/{received[0]['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "connected"
    listing = as_alice("get", "/connections").json()
    assert [m["handle"] for m in listing["items"]] == ["bob"] and listing["meta"]["total"] == 1
    rel = as_alice("get", "/members/bob/relationship").json()
    assert rel["degree"] == 1 and rel["connected"] and rel["following"]
    assert as_alice("delete", "/connections/bob").status_code == 204
    assert as_alice("delete", "/connections/bob").status_code == 404


def test_crossing_invitation_connects(api, alice, bob):
    api(alice)("post", "/invitations", {"handle": "bob"})
    response = api(bob)("post", "/invitations", {"handle": "alice"})
    assert response.status_code == 201 and response.json()["status"] == "connected"


def test_errors_have_the_right_status(api, alice, bob):
    as_alice = api(alice)
    assert error_code(as_alice("post", "/invitations", {"handle": "nobody_here"})) == "not_found"
    response = as_alice("post", "/invitations", {"handle": "alice"})
    assert response.status_code == 422
    response = as_alice("post", "/invitations", {"handle": "bob", "note": "x" * 301})
    assert response.status_code == 422 and "note" in response.json()["error"]["fields"]
    assert as_alice("post", "/invitations", {"handle": "bob"}).status_code == 201
    assert as_alice("post", "/invitations", {"handle": "bob"}).status_code == 409
    assert as_alice("post", "/invitations/999/accept").status_code == 404
    assert as_alice("post", "/invitations", {"nope": 1}).status_code == 422
    assert as_alice("get", "/connections?sort=sideways").status_code == 422
    assert as_alice("get", "/connections?page=0").status_code == 404
    services.privacy_update(user=bob, requests_from="nobody", connections_visible_to="only_me")
    ConnectionRequest.objects.all().delete()
    assert as_alice("post", "/invitations", {"handle": "bob"}).status_code == 403
    assert as_alice("get", "/members/bob/connections").status_code == 403


def test_malformed_json_is_400(client, alice):
    _token, raw = access_token_create(user=alice, name="t")
    response = client.post(
        "/api/v1/network/invitations",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400


def test_follow_block_privacy(api, alice, bob):
    as_alice, as_bob = api(alice), api(bob)
    assert as_bob("put", "/following/alice").status_code == 204
    assert [m["handle"] for m in as_alice("get", "/followers").json()["items"]] == ["bob"]
    assert as_alice("put", "/blocks/bob").status_code == 204
    assert as_alice("get", "/followers").json()["items"] == []
    # Silent: to bob, alice simply isn't there.
    assert as_bob("put", "/following/alice").status_code == 404
    assert as_bob("post", "/invitations", {"handle": "alice"}).status_code == 404
    assert as_bob("get", "/members/alice/relationship").status_code == 404
    # Bob can still block alice back without learning anything.
    assert as_bob("put", "/blocks/alice").status_code == 204
    assert [m["handle"] for m in as_alice("get", "/blocks").json()] == ["bob"]
    assert as_alice("delete", "/blocks/bob").status_code == 204
    assert as_alice("delete", "/blocks/bob").status_code == 404
    assert (
        as_alice(
            "put", "/privacy", {"requests_from": "second", "connections_visible_to": "connections"}
        ).status_code
        == 200
    )
    assert as_alice("get", "/privacy").json()["requests_from"] == "second"
    assert (
        as_alice(
            "put", "/privacy", {"requests_from": "x", "connections_visible_to": "members"}
        ).status_code
        == 422
    )
    assert not selectors.are_connected(alice.pk, bob.pk)


def test_notifications_api(client, alice, bob):
    services.connection_request_send(sender=bob, recipient_id=alice.pk)
    _token, raw = access_token_create(user=alice, name="t")
    headers = {"Authorization": f"Bearer {raw}"}
    listing = client.get("/api/v1/notifications", headers=headers).json()
    assert listing["unread"] == 1 and listing["items"][0]["kind"] == "connection_request"
    assert listing["items"][0]["actor_handle"] == "bob"
    marked = client.post(
        "/api/v1/notifications/read", data={}, content_type="application/json", headers=headers
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications", headers=headers).json()["unread"] == 0
    assert client.get("/api/v1/notifications?limit=0", headers=headers).status_code == 422
