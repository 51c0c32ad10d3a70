"""The introductions API: the same rules as the pages, answered in the JSON error shape."""

from __future__ import annotations

import json

import pytest

from guanxi.accounts.services import access_token_create
from guanxi.network import services
from guanxi.network.introductions import services as intro
from guanxi.network.models import Introduction
from guanxi.notifications.models import Notification
from guanxi.places.selectors import place_id_for_text
from tests.factories import make_member

pytestmark = [pytest.mark.django_db]

BASE = "/api/v1/network/introductions"


@pytest.fixture
def trio(alice, bob, carol):
    services.connect_members(a=alice, b=bob)
    services.connect_members(a=alice, b=carol)
    return alice, bob, carol


def post(client, path, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def error_of(response, status, code=None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    if code:
        assert error["code"] == code
    assert error["message"]
    return error


def make(client, a, b, note="You should meet: both building communities."):
    return post(client, BASE, {"a_id": a.pk, "b_id": b.pk, "note": note})


def test_create_list_accept_accept(trio, login):
    alice, bob, carol = trio
    response = make(login(alice), bob, carol)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["status"] == "waiting" and made["note"].startswith("You should meet")
    assert {side["member"]["handle"] for side in made["sides"]} == {"bob", "carol"}
    assert {side["state"] for side in made["sides"]} == {"waiting"}

    bob_client, carol_client = login(bob), login(carol)
    assert bob_client.get(f"{BASE}/made").json() == {
        "items": [],
        "next": None,
        "count": None,
        "count_is": None,
    }
    listing = bob_client.get(f"{BASE}/received").json()
    assert listing["next"] is None
    (received,) = listing["items"]
    assert received["id"] == made["id"] and received["my_answer"] == "pending"
    assert (
        received["other"]["handle"] == "carol" and received["other"]["display_name"] == "Carol Wang"
    )
    assert received["introducer"]["handle"] == "alice"
    assert received["other"]["headline"] == "Product designer"

    first = post(bob_client, f"{BASE}/{made['id']}/accept")
    assert first.status_code == 200 and first.json()["my_answer"] == "accepted"
    assert first.json()["status"] == "waiting"
    assert carol_client.get(f"{BASE}/received").json()["items"][0]["other_accepted"] is True
    second = post(carol_client, f"{BASE}/{made['id']}/accept")
    assert second.json()["status"] == "connected"
    states = login(alice).get(f"{BASE}/made").json()["items"][0]["sides"]
    assert {side["state"] for side in states} == {"connected"}
    assert Notification.objects.filter(kind="introduction_completed").count() == 3


def test_decline_reads_not_now_to_the_other_side_and_the_introducer(trio, login):
    alice, bob, carol = trio
    made = make(login(alice), bob, carol).json()
    post(login(bob), f"{BASE}/{made['id']}/accept")
    declined = post(login(carol), f"{BASE}/{made['id']}/decline")
    assert declined.status_code == 200
    assert declined.json()["my_answer"] == "declined" and declined.json()["status"] == "not_now"
    for viewer, listed in ((alice, "made"), (bob, "received")):
        body = login(viewer).get(f"{BASE}/{listed}").content.decode()
        assert "declined" not in body
        assert "not_now" in body
    bob_view = login(bob).get(f"{BASE}/received").json()["items"][0]
    assert bob_view["status"] == "not_now" and bob_view["other_accepted"] is False


def test_not_connected_to_both_is_403(alice, bob, carol, login):
    services.connect_members(a=alice, b=bob)
    error_of(make(login(alice), bob, carol), 403, "not_connected")


def test_already_connected_and_open_introduction_are_409(trio, dave, login):
    alice, bob, carol = trio
    client = login(alice)
    assert make(client, bob, carol).status_code == 201
    error_of(make(client, carol, bob), 409, "introduction_open")
    services.connect_members(a=alice, b=dave)
    services.connect_members(a=bob, b=dave)
    error_of(make(client, bob, dave), 409, "already_connected")


def test_a_block_is_a_neutral_409(trio, login):
    alice, bob, carol = trio
    services.block(blocker=carol, blocked_id=bob.pk)
    error = error_of(make(login(alice), bob, carol), 409, "cannot_introduce")
    assert "block" not in error["message"].lower()


@pytest.mark.parametrize(
    "body",
    [
        {"note": "x" * 501},
        {"note": ""},
        {"note": "   "},
        {"b_id": "same"},
        {"a_id": -1},
        {"a_id": "abc"},
        {"a_id": 10**30},
        {"missing": "note"},
    ],
)
def test_bad_input_is_422(trio, login, body):
    alice, bob, carol = trio
    payload = {"a_id": bob.pk, "b_id": carol.pk, "note": "Hello"}
    if body.get("b_id") == "same":
        payload["b_id"] = bob.pk
    elif "missing" in body:
        del payload["note"]
    else:
        payload.update(body)
    error_of(post(login(alice), BASE, payload), 422, "invalid")
    assert not Introduction.objects.exists()


def test_weekly_and_daily_limits_are_429(settings, alice, login):
    settings.GUANXI_INTRODUCTIONS_PER_WEEK = 1
    settings.GUANXI_INTRODUCTIONS_PER_DAY = 2
    people = [make_member(f"person{i}") for i in range(6)]
    for member in people:
        services.connect_members(a=alice, b=member)
    client = login(alice)
    assert make(client, people[0], people[1]).status_code == 201
    error_of(make(client, people[0], people[2]), 429, "rate_limited")
    assert make(client, people[2], people[3]).status_code == 201
    error = error_of(make(client, people[4], people[5]), 429, "rate_limited")
    assert "today" in error["message"]


def test_someone_elses_introduction_is_404_and_the_introducer_gets_403(trio, dave, login):
    alice, bob, carol = trio
    made = make(login(alice), bob, carol).json()
    for action in ("accept", "decline"):
        error_of(post(login(dave), f"{BASE}/{made['id']}/{action}"), 404, "not_found")
        error_of(post(login(dave), f"{BASE}/{made['id'] + 99}/{action}"), 404, "not_found")
        error_of(post(login(dave), f"{BASE}/{10**30}/{action}"), 404)
        error_of(post(login(alice), f"{BASE}/{made['id']}/{action}"), 403)
    assert Introduction.objects.get().answer_low == "pending"


def test_answers_are_idempotent_and_closed_ones_are_409(trio, login):
    alice, bob, carol = trio
    made = make(login(alice), bob, carol).json()
    bob_client = login(bob)
    assert post(bob_client, f"{BASE}/{made['id']}/decline").status_code == 200
    assert post(bob_client, f"{BASE}/{made['id']}/decline").status_code == 200
    error_of(post(bob_client, f"{BASE}/{made['id']}/accept"), 409, "introduction_closed")
    error_of(post(login(carol), f"{BASE}/{made['id']}/accept"), 409, "introduction_closed")


def test_ideas(trio, dave, login):
    from guanxi.accounts.models import Profile

    alice, bob, carol = trio
    services.connect_members(a=alice, b=dave)
    Profile.objects.filter(user__in=[bob, carol]).update(
        city="Suzhou", city_key="suzhou", place_id=place_id_for_text("Suzhou")
    )
    body = login(alice).get(f"{BASE}/ideas").json()
    ideas = body["items"]
    assert len(ideas) == 1 and body["next"] is None
    (idea,) = ideas
    assert {idea["a"]["handle"], idea["b"]["handle"]} == {"bob", "carol"}
    assert idea["reasons"] == ["both in Suzhou"]
    assert "both in Suzhou" in idea["suggested_note"]
    for bad in ("0", "51", "x"):
        error_of(login(alice).get(f"{BASE}/ideas?limit={bad}"), 422, "invalid")


def test_token_auth_and_anonymous(trio, client):
    alice, bob, carol = trio
    error_of(client.get(f"{BASE}/received"), 401, "unauthenticated")
    error_of(client.get(f"{BASE}/made"), 401, "unauthenticated")
    error_of(post(client, BASE, {"a_id": bob.pk, "b_id": carol.pk, "note": "Hi"}), 401)
    _token, raw = access_token_create(user=alice, name="cli")
    response = client.post(
        BASE,
        data=json.dumps({"a_id": bob.pk, "b_id": carol.pk, "note": "Hi"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201


def _introduced_pairs(alice, count):
    people = [make_member(f"person{i}") for i in range(count)]
    for member in people:
        services.connect_members(a=alice, b=member)
    for a, b in zip(people[::2], people[1::2], strict=True):
        intro.introduction_create(introducer=alice, a_id=a.pk, b_id=b.pk, note="Meet")
    return people


@pytest.mark.parametrize("pairs", [1, 5])
def test_list_query_counts_do_not_grow_with_introductions(
    alice, login, pairs, django_assert_num_queries
):
    people = _introduced_pairs(alice, 2 * pairs)
    # The same nine for one introduction as for five: session and user, the blocks that
    # hide introductions, the page, the pair reasons' traits, the member cards.
    for client, listed, expected in (
        (login(alice), "made", 9),
        (login(people[0]), "received", 9),
    ):
        client.get(f"{BASE}/{listed}")  # warm the session and auth caches
        with django_assert_num_queries(expected):
            body = client.get(f"{BASE}/{listed}").json()
        assert len(body["items"]) == (pairs if listed == "made" else 1)


def test_lists_page_with_a_keyset_cursor(alice, login, monkeypatch):
    from guanxi.network.introductions import api as introductions_api

    monkeypatch.setattr(introductions_api, "PER_PAGE", 2)
    _introduced_pairs(alice, 10)
    client = login(alice)
    first = client.get(f"{BASE}/made").json()
    assert len(first["items"]) == 2 and first["next"]
    seen = [item["id"] for item in first["items"]]
    cursor = first["next"]
    while cursor:
        page = client.get(f"{BASE}/made", {"cursor": cursor}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, reverse=True)  # newest first
    error_of(client.get(f"{BASE}/made", {"cursor": "nonsense!"}), 422, "invalid")
