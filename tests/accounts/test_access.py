"""The access matrix for member profiles: who may know that a member exists.

Object: alice's profile. Viewer roles × the page and the API → 200 or 404; a block (either
way), a deactivated account and an unknown handle answer exactly alike.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from guanxi.accounts.access import access_member
from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.models import User
from guanxi.network import services as network
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def roles(alice, bob, carol, dave, eve):
    """alice is the member looked at; the others are viewers with one relation each."""
    network.connect_members(a=alice, b=bob)
    network.block(blocker=alice, blocked_id=dave.pk)  # alice blocked dave
    network.block(blocker=eve, blocked_id=alice.pk)  # eve blocked alice
    return {
        "owner": alice,
        "connection": bob,
        "stranger": carol,
        "blocked by the member": dave,
        "who blocked the member": eve,
        "anonymous": None,
    }


MATRIX = [
    ("owner", 200),
    ("connection", 200),
    ("stranger", 200),
    ("anonymous", 200),
    ("blocked by the member", 404),
    ("who blocked the member", 404),
]


@pytest.mark.parametrize(("role", "status"), MATRIX)
def test_profile_page_and_api(roles, role, status):
    client = _client(roles[role])
    assert client.get("/@alice/").status_code == status
    response = client.get("/api/v1/profiles/alice")
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"] == {"code": "not_found", "message": "Member not found."}


@pytest.mark.parametrize("role", [role for role, _status in MATRIX])
def test_a_deactivated_member_is_not_found_by_anyone(roles, role):
    User.objects.filter(username="alice").update(is_active=False)
    client = _client(roles[role])
    assert client.get("/@alice/").status_code == 404
    assert client.get("/api/v1/profiles/alice").status_code == 404


def test_an_unknown_handle_answers_like_a_block(roles):
    client = _client(roles["stranger"])
    unknown = client.get("/api/v1/profiles/nobody-here")
    blocked = _client(roles["blocked by the member"]).get("/api/v1/profiles/alice")
    assert unknown.status_code == blocked.status_code == 404
    assert unknown.json() == blocked.json()


def test_access_member_by_handle_or_id(roles, alice):
    assert access_member(AnonymousUser(), "@Alice", "view") == alice
    assert access_member(roles["connection"], alice.pk, "view") == alice
    for viewer in (roles["blocked by the member"], roles["who blocked the member"]):
        with pytest.raises(MemberNotFound):
            access_member(viewer, alice.pk, "view")
    with pytest.raises(MemberNotFound):
        access_member(AnonymousUser(), 999_999, "view")


def test_the_member_comes_with_the_profile_in_one_query(roles, django_assert_num_queries):
    stranger = make_member("frank")
    with django_assert_num_queries(2):  # the member with the profile, the viewer's blocks
        member = access_member(stranger, "alice", "view")
        assert member.profile.display_name == "Alice Chen"
