"""The access matrix for introductions: object × viewer role × action → 200/403/404,
pages (plain and htmx) and the API alike.

alice introduces bob and carol. The two introduced may answer; alice, the introducer,
knows of it but may not answer for them (403); anyone else, and a party once a block
stands between them and the others, gets the 404 of an introduction that does not exist.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from guanxi.accounts.services import access_token_create
from guanxi.network import services as network
from guanxi.network.introductions import services as intro
from guanxi.network.introductions.access import access_introduction
from guanxi.network.introductions.errors import IntroductionNotFound, NotIntroduced

pytestmark = pytest.mark.django_db

ACTIONS = ("accept", "decline")


@pytest.fixture
def made(alice, bob, carol):
    network.connect_members(a=alice, b=bob)
    network.connect_members(a=alice, b=carol)
    return intro.introduction_create(
        introducer=alice, a_id=bob.pk, b_id=carol.pk, note="You both run meetups."
    )


@pytest.fixture
def roles(alice, bob, carol, dave, eve, made):
    network.connect_members(a=eve, b=carol)
    network.block(blocker=eve, blocked_id=alice.pk)  # eve is no party; blocks the introducer
    return {"introduced": bob, "introducer": alice, "stranger": dave, "blocker": eve}


MATRIX = [("introduced", 200), ("introducer", 403), ("stranger", 404), ("blocker", 404)]


def _page(client: Client, made, action: str, **headers):
    url = reverse(
        "network_introduction_answer", kwargs={"introduction_id": made.pk, "answer": action}
    )
    return client.post(url, **headers)


def _api(user, made, action: str):
    _token, raw = access_token_create(user=user, name="matrix")
    return Client().post(
        f"/api/v1/network/introductions/{made.pk}/{action}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("role", "status"), MATRIX)
def test_answer_over_the_api(roles, made, role, status, action):
    response = _api(roles[role], made, action)
    assert response.status_code == status, response.content
    if status != 200:
        code = {403: "not_introduced", 404: "not_found"}[status]
        assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("role", "status"), MATRIX)
def test_answer_on_the_page(roles, made, role, status, action):
    client = Client()
    client.force_login(roles[role])
    response = _page(client, made, action)
    # A plain form post that is accepted goes back to the list.
    assert response.status_code == (302 if status == 200 else status)


@pytest.mark.parametrize(("role", "status"), MATRIX)
def test_htmx_answers_in_place(roles, made, role, status):
    client = Client()
    client.force_login(roles[role])
    response = _page(client, made, "accept", HTTP_HX_REQUEST="true")
    # htmx swaps only a 2xx: a refusal is the outcome in place, never a 4xx it would drop.
    assert response.status_code == 200
    html = response.content.decode()
    if status == 200:
        assert f'id="introduction-{made.pk}"' in html
    elif status == 403:
        assert "Only the two people you introduced can answer." in html
    else:
        assert "This introduction does not exist." in html


def test_anonymous_callers(made):
    assert _page(Client(), made, "accept").status_code == 302  # to the login page
    response = Client().post(f"/api/v1/network/introductions/{made.pk}/accept")
    assert response.status_code == 401


def test_a_party_behind_a_block_no_longer_finds_it(alice, bob, carol, made):
    network.block(blocker=carol, blocked_id=bob.pk)
    for party in (bob, carol):
        with pytest.raises(IntroductionNotFound):
            access_introduction(party, made.pk, "answer")
    assert access_introduction(alice, made.pk, "view") == made
    with pytest.raises(NotIntroduced):
        access_introduction(alice, made.pk, "answer")


def test_view_for_each_party(alice, bob, carol, dave, made):
    for party in (alice, bob, carol):
        assert access_introduction(party, made.pk, "view") == made
    with pytest.raises(IntroductionNotFound):
        access_introduction(dave, made.pk, "view")
    with pytest.raises(IntroductionNotFound):
        access_introduction(bob, made.pk + 1000, "view")
