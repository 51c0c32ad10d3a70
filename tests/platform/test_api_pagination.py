"""One envelope for every list in the API: items, next, count, count_is.

Lists ordered by time page with a keyset cursor (items arriving meanwhile never shift a
page); lists paged by number use the page number. Clients only pass `next` back.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.network import api as network_api
from guanxi.network.models import Block, ConnectionRequest
from guanxi.network.services import connect_members
from tests.factories import make_member

ENVELOPE = {"items", "next", "count", "count_is"}


def _walk(client, url: str, **params) -> list[dict]:
    """Every page from the first, following `next`; checks the envelope on each."""
    pages = []
    while True:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) >= ENVELOPE
        pages.append(body)
        if body["next"] is None:
            return pages
        params = {**params, "cursor": body["next"]}


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(network_api, "PER_PAGE", 2)


def _invite_alice(alice: User, count: int) -> list[User]:
    senders = [make_member(f"sender{i}") for i in range(count)]
    start = timezone.now() - timedelta(hours=1)
    for i, sender in enumerate(senders):
        row = ConnectionRequest.objects.create(
            sender=sender,
            recipient=alice,
            pair_low_id=min(sender.pk, alice.pk),
            pair_high_id=max(sender.pk, alice.pk),
        )
        # Two share a time: the id breaks the tie.
        ConnectionRequest.objects.filter(pk=row.pk).update(
            created_at=start + timedelta(minutes=min(i, 3))
        )
    return senders


def test_keyset_pages_are_newest_first_and_never_shift(small_pages, alice, login):
    senders = _invite_alice(alice, 5)
    client = login(alice)
    first = client.get("/api/v1/network/invitations").json()
    assert [i["member"]["handle"] for i in first["items"]] == ["sender4", "sender3"]
    assert first["count"] is None and first["count_is"] is None
    # A new invitation arrives: it is on a new first page, never on the next one.
    late = make_member("late")
    ConnectionRequest.objects.create(
        sender=late, recipient=alice, pair_low_id=alice.pk, pair_high_id=late.pk
    )
    rest = _walk(client, "/api/v1/network/invitations", cursor=first["next"])
    seen = [i["member"]["handle"] for page in rest for i in page["items"]]
    assert seen == ["sender2", "sender1", "sender0"]
    assert len(senders) == 2 + len(seen)


def test_block_list_pages_with_a_cursor(small_pages, alice, login):
    for i in range(3):
        Block.objects.create(blocker=alice, blocked=make_member(f"blocked{i}"))
    pages = _walk(login(alice), "/api/v1/network/blocks")
    assert [len(p["items"]) for p in pages] == [2, 1]
    assert {i["handle"] for p in pages for i in p["items"]} == {"blocked0", "blocked1", "blocked2"}


def test_numbered_pages_count_and_follow_next(small_pages, alice, login):
    for i in range(5):
        connect_members(a=alice, b=make_member(f"friend{i}", display_name=f"Friend {i}"))
    pages = _walk(login(alice), "/api/v1/network/connections")
    assert [p["next"] for p in pages] == ["2", "3", None]
    assert all((p["count"], p["count_is"]) == (5, "exact") for p in pages)
    names = [i["display_name"] for p in pages for i in p["items"]]
    assert names == [f"Friend {i}" for i in range(5)]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/network/invitations",
        "/api/v1/network/invitations/sent",
        "/api/v1/network/blocks",
        "/api/v1/network/connections",
        "/api/v1/network/followers",
        "/api/v1/network/shared",
        "/api/v1/members",
        "/api/v1/notifications",
    ],
)
@pytest.mark.parametrize("cursor", ["garbage!", "0", "-1", "bm9wZQ", "MjAyNi0wMS0wMXwx", "x" * 101])
def test_a_bad_cursor_is_a_422(url, cursor, alice, login):
    response = login(alice).get(url, {"cursor": cursor})
    assert response.status_code == 422, (url, cursor, response.content)
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/network/invitations",
        "/api/v1/network/blocks",
        "/api/v1/network/connections",
        "/api/v1/network/followers",
        "/api/v1/network/following",
        "/api/v1/network/suggestions",
        "/api/v1/network/shared",
        "/api/v1/network/introductions/ideas",
        "/api/v1/members",
        "/api/v1/notifications",
    ],
)
def test_every_list_answers_the_envelope(url, alice, login):
    body = login(alice).get(url).json()
    assert set(body) >= ENVELOPE, url
