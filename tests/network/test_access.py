"""The access matrix for connection invitations and blocks: object × viewer role × action,
pages (plain and htmx) and the API alike.

alice invites bob. Each of the two may see the invitation; bob, its recipient, accepts or
ignores it, alice, its sender, withdraws it; the other way round is a 403. Anyone else
(carol), a member alice blocked (dave) and both members once the other has left get the
404 of an invitation that does not exist; a signed-out visitor is sent to sign in (401 on
the API).

A block is seen and undone only by the member who made it. The member it blocks (either
way round) finds no trace of the other: profile, cards in lists, directory search,
suggestions, introductions and the relationship panel all answer as if they did not
exist, while a member without a block (carol) finds them everywhere.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.models import User
from guanxi.accounts.services import access_token_create
from guanxi.network import services as network
from guanxi.network.access import access_block, access_invitation
from guanxi.network.errors import InvitationNotFound, NotInvitationRecipient, NotInvitationSender
from guanxi.network.models import Block, Connection, ConnectionRequest

pytestmark = pytest.mark.django_db

ROLES = ("sender", "recipient", "third member", "blocked member", "anonymous")
ACTIONS = ("accept", "ignore", "withdraw")
# role -> action -> the outcome: "ok", 403 or 404 (anonymous: the sign-in wall).
MATRIX = {
    "sender": {"accept": 403, "ignore": 403, "withdraw": "ok"},
    "recipient": {"accept": "ok", "ignore": "ok", "withdraw": 403},
    "third member": dict.fromkeys(ACTIONS, 404),
    "blocked member": dict.fromkeys(ACTIONS, 404),
}
CASES = [(role, action, MATRIX[role][action]) for role in MATRIX for action in ACTIONS]
API_OK = {"accept": 200, "ignore": 204, "withdraw": 204}
API_CODE = {403: ("not_invitation_recipient", "not_invitation_sender"), 404: ("not_found",)}


@pytest.fixture
def invitation(alice, bob):
    return network.connection_request_send(sender=alice, recipient_id=bob.pk, note="Hi").request


@pytest.fixture
def roles(alice, bob, carol, dave, invitation):
    network.block(blocker=alice, blocked_id=dave.pk)
    return {
        "sender": alice,
        "recipient": bob,
        "third member": carol,
        "blocked member": dave,
        "anonymous": None,
    }


def _signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _token_client(user: User | None):
    """call(method, path) on /api/v1/network with the member's token (none if anonymous)."""
    headers = {}
    if user is not None:
        _token, raw = access_token_create(user=user, name="matrix")
        headers = {"Authorization": f"Bearer {raw}"}
    client = Client()

    def call(method: str, path: str, **kwargs):
        return getattr(client, method)(f"/api/v1/network{path}", headers=headers, **kwargs)

    return call


def _api_action(user, invitation_id: int, action: str):
    call = _token_client(user)
    if action == "withdraw":
        return call("delete", f"/invitations/{invitation_id}")
    return call("post", f"/invitations/{invitation_id}/{action}")


def _page_action(client: Client, invitation_id: int, action: str, **headers):
    return client.post(f"/network/invitations/{invitation_id}/{action}/", **headers)


def _done(action: str, invitation_id: int) -> bool:
    """Whether the action took effect on the invitation."""
    found = ConnectionRequest.objects.filter(pk=invitation_id).first()
    if action == "ignore":
        return found is not None and found.status == ConnectionRequest.Status.IGNORED
    return found is None


# --- invitations: the actions -------------------------------------------------------


@pytest.mark.parametrize(("role", "action", "outcome"), CASES)
def test_invitation_actions_over_the_api(roles, invitation, role, action, outcome):
    response = _api_action(roles[role], invitation.pk, action)
    if outcome == "ok":
        assert response.status_code == API_OK[action], response.content
    else:
        assert response.status_code == outcome, response.content
        assert response.json()["error"]["code"] in API_CODE[outcome]
    assert _done(action, invitation.pk) is (outcome == "ok")
    assert Connection.objects.exists() is (outcome == "ok" and action == "accept")


@pytest.mark.parametrize(("role", "action", "outcome"), CASES)
def test_invitation_actions_on_the_page(roles, invitation, role, action, outcome):
    response = _page_action(_signed_in(roles[role]), invitation.pk, action)
    # A plain form post that works goes back to the list; a refusal is the error page.
    assert response.status_code == (302 if outcome == "ok" else outcome)
    assert _done(action, invitation.pk) is (outcome == "ok")


@pytest.mark.parametrize(("role", "action", "outcome"), CASES)
def test_invitation_actions_with_htmx_answer_in_place(roles, invitation, role, action, outcome):
    client = _signed_in(roles[role])
    response = _page_action(client, invitation.pk, action, HTTP_HX_REQUEST="true")
    # htmx swaps only a 2xx: a refusal is the outcome in the invitation's row.
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="invitation-{invitation.pk}"' in html
    expected = {
        403: "Only the member",
        404: "This invitation no longer exists.",
        "ok": {
            "accept": "You are now connected.",
            "ignore": "Invitation ignored.",
            "withdraw": "Invitation withdrawn.",
        }[action],
    }[outcome]
    assert expected in html
    # The other member's row is shown only to the invitation's own members.
    assert ("Bob Li" in html or "Alice Chen" in html) is (role in ("sender", "recipient"))


@pytest.mark.parametrize("action", ACTIONS)
def test_signed_out_visitors_sign_in_first(invitation, action):
    response = _page_action(Client(), invitation.pk, action)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert _api_action(None, invitation.pk, action).status_code == 401
    assert _done(action, invitation.pk) is False
    for path in ("/network/invitations/", "/network/invitations/sent/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]
    for path in ("/invitations", "/invitations/sent"):
        assert _token_client(None)("get", path).status_code == 401


# --- invitations: who sees them -----------------------------------------------------


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_who_sees_the_invitation_in_the_lists(roles, invitation, role):
    user = roles[role]
    call = _token_client(user)
    client = _signed_in(user)
    marker = f'id="invitation-{invitation.pk}"'
    for tab, api_path, owner in (
        ("/network/invitations/", "/invitations", "recipient"),
        ("/network/invitations/sent/", "/invitations/sent", "sender"),
    ):
        page = client.get(tab)
        assert page.status_code == 200
        assert (marker in page.content.decode()) is (role == owner), tab
        listed = call("get", api_path)
        assert listed.status_code == 200
        ids = [item["id"] for item in listed.json()["items"]]
        assert (invitation.pk in ids) is (role == owner), api_path


def test_access_invitation_for_each_role(roles, invitation):
    assert access_invitation(roles["sender"], invitation.pk, "view") == invitation
    assert access_invitation(roles["recipient"], invitation.pk, "view") == invitation
    with pytest.raises(NotInvitationRecipient):
        access_invitation(roles["sender"], invitation.pk, "accept")
    with pytest.raises(NotInvitationSender):
        access_invitation(roles["recipient"], invitation.pk, "withdraw")
    for viewer in (roles["third member"], roles["blocked member"], AnonymousUser()):
        with pytest.raises(InvitationNotFound):
            access_invitation(viewer, invitation.pk, "view")
    with pytest.raises(InvitationNotFound):
        access_invitation(roles["recipient"], invitation.pk + 1000, "view")


@pytest.mark.parametrize("who_leaves", ["sender", "recipient"])
def test_an_invitation_with_a_member_who_left_is_gone_for_both(roles, invitation, who_leaves):
    """Accepting an invitation from a deactivated member used to connect the two."""
    User.objects.filter(pk=roles[who_leaves].pk).update(is_active=False)
    stays = roles["recipient" if who_leaves == "sender" else "sender"]
    for action in ACTIONS:
        assert _api_action(stays, invitation.pk, action).status_code == 404
        assert _page_action(_signed_in(stays), invitation.pk, action).status_code == 404
        with pytest.raises(InvitationNotFound):
            access_invitation(stays, invitation.pk, "view")
    assert not Connection.objects.exists()
    assert ConnectionRequest.objects.get(pk=invitation.pk).status == "pending"


@pytest.mark.parametrize("blocker", ["sender", "recipient"])
def test_a_block_between_the_two_leaves_no_invitation(roles, invitation, blocker):
    other = "recipient" if blocker == "sender" else "sender"
    network.block(blocker=roles[blocker], blocked_id=roles[other].pk)
    for role in ("sender", "recipient"):
        for action in ACTIONS:
            response = _api_action(roles[role], invitation.pk, action)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        with pytest.raises(InvitationNotFound):
            access_invitation(roles[role], invitation.pk, "view")


# --- blocks: who sees and undoes them -------------------------------------------------


@pytest.fixture
def blocked(alice, bob, carol, dave):
    """alice blocked dave."""
    network.block(blocker=alice, blocked_id=dave.pk)
    return {"blocker": alice, "blocked member": dave, "third member": carol}


@pytest.mark.parametrize(
    ("role", "sees"), [("blocker", True), ("blocked member", False), ("third member", False)]
)
def test_only_the_blocker_sees_the_block(blocked, role, sees):
    user, dave = blocked[role], blocked["blocked member"]
    handles = [item["handle"] for item in _token_client(user)("get", "/blocks").json()["items"]]
    assert ("dave" in handles) is sees
    assert ("alice" in handles) is False  # the blocked member has no block of their own
    page = _signed_in(user).get("/network/privacy/")
    assert page.status_code == 200
    assert ("Dave Zhang" in page.content.decode()) is sees
    if sees:
        assert access_block(user, dave.pk, "view").blocked_id == dave.pk
    else:
        with pytest.raises(MemberNotFound):
            access_block(user, dave.pk, "view")


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("blocker", "blocked member", 204),
        ("blocked member", "blocker", 404),  # dave cannot undo, or learn of, alice's block
        ("third member", "blocked member", 404),
    ],
)
def test_only_the_blocker_unblocks(blocked, role, target, status):
    user, other = blocked[role], blocked[target]
    response = _token_client(user)("delete", f"/blocks/{other.username}")
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"] == {"code": "not_found", "message": "Member not found."}
    assert Block.objects.exists() is (status != 204)


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("blocker", "blocked member", 302),
        ("blocked member", "blocker", 404),
        ("third member", "blocked member", 404),  # it said "Unblocked." for a block of alice's
    ],
)
def test_only_the_blocker_unblocks_on_the_page(blocked, role, target, status):
    client = _signed_in(blocked[role])
    response = client.post("/network/unblock/", {"user_id": blocked[target].pk})
    assert response.status_code == status
    assert Block.objects.exists() is (status != 302)


def test_signed_out_visitors_cannot_unblock(blocked):
    dave = blocked["blocked member"]
    response = Client().post("/network/unblock/", {"user_id": dave.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert _token_client(None)("delete", "/blocks/dave").status_code == 401
    assert _token_client(None)("get", "/blocks").status_code == 401
    assert Block.objects.exists()


# --- what a block hides ---------------------------------------------------------------


@pytest.fixture
def around_alice(alice, bob, carol, dave):
    """bob is connected to alice, carol and dave; carol and dave each have one route to
    alice (a mutual connection), so alice is a suggestion, a search result and a card in
    bob's connections for both, unless a block stands between."""
    for other in (alice, carol, dave):
        network.connect_members(a=bob, b=other)
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave}


def _sees_alice_everywhere(viewer: User, alice: User, bob: User) -> dict[str, bool]:
    client = _signed_in(viewer)
    call = _token_client(viewer)
    link = 'href="/@alice/"'

    def page_has_alice(path: str) -> bool:
        response = client.get(path)
        assert response.status_code == 200, path
        return link in response.content.decode()

    def api_has_alice(path: str, card: str = "") -> bool:
        """Under /api/v1/network, or a whole /api/v1/ path (with the session)."""
        response = client.get(path) if path.startswith("/api/") else call("get", path)
        assert response.status_code == 200, path
        items = response.json()["items"]
        return "alice" in [(item[card] if card else item)["handle"] for item in items]

    profile = client.get("/@alice/").status_code
    profile_api = client.get("/api/v1/profiles/alice").status_code
    assert profile == profile_api
    return {
        "profile": profile == 200,
        "relationship": call("get", "/members/alice/relationship").status_code == 200,
        "cards in a connections list": page_has_alice("/network/members/bob/connections/"),
        "cards in a connections list (API)": api_has_alice("/members/bob/connections"),
        "directory search": page_has_alice("/members/?q=alice"),
        "directory search (API)": api_has_alice("/api/v1/members?q=alice"),
        "suggestions": page_has_alice("/network/suggestions/"),
        "suggestions (API)": api_has_alice("/suggestions", card="member"),
        "ask for an introduction": client.get(f"/network/introductions/ask/{alice.pk}/").status_code
        == 200,
    }


@pytest.mark.parametrize("direction", ["alice blocked dave", "dave blocked alice"])
def test_a_block_hides_the_other_member_everywhere(around_alice, direction):
    alice, bob, carol, dave = (around_alice[name] for name in ("alice", "bob", "carol", "dave"))
    if direction == "alice blocked dave":
        network.block(blocker=alice, blocked_id=dave.pk)
    else:
        network.block(blocker=dave, blocked_id=alice.pk)
    control = _sees_alice_everywhere(carol, alice, bob)
    assert all(control.values()), control  # the checks below can fail
    seen = _sees_alice_everywhere(dave, alice, bob)
    assert not any(seen.values()), seen


@pytest.mark.parametrize("direction", ["alice blocked dave", "dave blocked alice"])
def test_a_block_refuses_ties_without_telling(around_alice, direction):
    alice, bob, dave = around_alice["alice"], around_alice["bob"], around_alice["dave"]
    if direction == "alice blocked dave":
        network.block(blocker=alice, blocked_id=dave.pk)
    else:
        network.block(blocker=dave, blocked_id=alice.pk)
    call = _token_client(dave)
    for method, path, kwargs in (
        ("post", "/invitations", {"data": {"handle": "alice"}}),
        ("put", "/following/alice", {}),
        ("get", "/members/alice/connections", {}),
    ):
        if "data" in kwargs:
            kwargs = {"data": kwargs["data"], "content_type": "application/json"}
        response = call(method, path, **kwargs)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    assert _signed_in(dave).get("/network/members/alice/connections/").status_code == 404
    # bob, connected to both, cannot introduce them, and is not told why.
    response = _token_client(bob)(
        "post",
        "/introductions",
        data={"a_id": alice.pk, "b_id": dave.pk, "note": "You should meet."},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cannot_introduce"
