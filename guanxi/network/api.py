"""The member graph over the REST API: the same services and rules as the pages."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from guanxi.accounts.access import access_member
from guanxi.accounts.models import User
from guanxi.accounts.selectors import member_cards
from guanxi.api.auth import member_auth
from guanxi.api.pagination import CursorQuery, PageQuery, keyset_page, numbered_page
from guanxi.api.schemas import ListPage, MemberCard, MemberPage, Payload
from guanxi.core.errors import Invalid
from guanxi.network import selectors, services
from guanxi.network.access import access_block, access_block_target
from guanxi.network.errors import ConnectionsPrivate
from guanxi.network.introductions.api import router as introductions_router
from guanxi.network.models import PrivacySettings
from guanxi.network.services import REQUEST_NOTE_MAX
from guanxi.network.suggestions.api import router as suggestions_router

router = Router(tags=["network"], auth=member_auth)
PER_PAGE = 50


def _member(request: HttpRequest, handle: str) -> User:
    return access_member(request.user, handle, "view")


def _member_page(request, users, query: PageQuery) -> dict:
    """A page of members by number (the order the site pages them in), as cards."""
    ids, following, count = numbered_page(
        users.values_list("pk", flat=True), page=query.number(), per_page=PER_PAGE
    )
    return {
        "items": member_cards(viewer=request.user, ids=ids),
        "next": following,
        "count": count,
        "count_is": "exact",
    }


class ConnectionsQuery(PageQuery):
    q: str = Field("", max_length=100, description="Start of a connection's name or handle.")
    sort: Literal["name", "recent"] = "name"


@router.get("/connections", response=MemberPage, summary="My connections")
def my_connections(request, query: Query[ConnectionsQuery]):
    q, sort = query.q, query.sort
    users = selectors.connections_page_queryset(
        request.user.pk, viewer_id=request.user.pk, q=q, sort=sort
    )
    return _member_page(request, users, query)


@router.get("/members/{handle}/connections", response=MemberPage, summary="A member's connections")
def member_connections(request, handle: str, query: Query[PageQuery]):
    owner = _member(request, handle)
    if not selectors.may_see_connections(request.user, owner.pk):
        raise ConnectionsPrivate
    users = selectors.connections_page_queryset(owner.pk, viewer_id=request.user.pk)
    return _member_page(request, users, query)


class RelationshipOut(Schema):
    degree: int | None
    connected: bool
    request_sent: bool
    request_received: bool
    request_id: int | None
    following: bool
    mutual_count: int
    mutual_sample: list[MemberCard]


@router.get("/members/{handle}/relationship", response=RelationshipOut)
def relationship(request, handle: str):
    other = _member(request, handle)
    if other.pk == request.user.pk:
        raise Invalid(_("That is you."), fields={"handle": [_("Name another member.")]})
    rel = selectors.relationship(request.user.pk, other.pk)
    return {
        "degree": rel.degree,
        "connected": rel.connected,
        "request_sent": rel.request_sent,
        "request_received": rel.request_received,
        "request_id": rel.request_id if (rel.request_sent or rel.request_received) else None,
        "following": rel.following,
        "mutual_count": rel.mutual_count,
        "mutual_sample": member_cards(viewer=request.user, ids=[u.pk for u in rel.mutual_sample]),
    }


class InvitationIn(Payload):
    handle: str = Field(..., min_length=1, max_length=30, description="Not your own.")
    note: str = Field("", max_length=REQUEST_NOTE_MAX)


class InvitationOut(Schema):
    id: int
    member: MemberCard
    note: str
    created_at: str
    direction: Literal["received", "sent"]


class InvitationPage(ListPage):
    items: list[InvitationOut]


class InvitationResult(Schema):
    status: Literal["pending", "connected"]
    invitation_id: int | None = None


def _invitation_page(request, rows, cursor: str | None, *, received: bool) -> dict:
    """Invitations newest first, a keyset page at a time, each with the other member's card."""
    found, following = keyset_page(rows, cursor=cursor, per_page=PER_PAGE, field="created_at")
    items = [
        {
            "id": item.pk,
            "member": item.member,
            "note": item.note,
            "created_at": item.created_at.isoformat(),
            "direction": "received" if received else "sent",
        }
        for item in selectors.invitation_items(request.user, found, received=received)
    ]
    return {"items": items, "next": following}


@router.get("/invitations", response=InvitationPage, summary="Invitations waiting for me")
def invitations_received(request, query: Query[CursorQuery]):
    rows = selectors.invitations_received(request.user.pk)
    return _invitation_page(request, rows, query.cursor, received=True)


@router.get("/invitations/sent", response=InvitationPage, summary="Invitations I sent")
def invitations_sent(request, query: Query[CursorQuery]):
    rows = selectors.invitations_sent(request.user.pk)
    return _invitation_page(request, rows, query.cursor, received=False)


@router.post("/invitations", response={201: InvitationResult}, summary="Invite a member to connect")
def invitation_send(request, payload: InvitationIn):
    other = _member(request, payload.handle)
    outcome = services.connection_request_send(
        sender=request.user,
        recipient_id=other.pk,
        note=payload.note,
    )
    if outcome.connection is not None:
        return Status(201, InvitationResult(status="connected"))
    return Status(201, InvitationResult(status="pending", invitation_id=outcome.request.pk))


@router.post("/invitations/{invitation_id}/accept", response={200: InvitationResult})
def invitation_accept(request, invitation_id: int):
    services.connection_request_accept(user=request.user, request_id=invitation_id)
    return InvitationResult(status="connected")


@router.post("/invitations/{invitation_id}/ignore", response={204: None})
def invitation_ignore(request, invitation_id: int):
    services.connection_request_ignore(user=request.user, request_id=invitation_id)
    return Status(204, None)


@router.delete(
    "/invitations/{invitation_id}", response={204: None}, summary="Withdraw an invitation"
)
def invitation_withdraw(request, invitation_id: int):
    services.connection_request_withdraw(user=request.user, request_id=invitation_id)
    return Status(204, None)


@router.delete("/connections/{handle}", response={204: None}, summary="Remove a connection")
def connection_remove(request, handle: str):
    other = _member(request, handle)
    services.connection_remove(user=request.user, other_id=other.pk)
    return Status(204, None)


@router.get("/followers", response=MemberPage, summary="Members following me")
def followers(request, query: Query[PageQuery]):
    users = selectors.follows_queryset(request.user.pk, followers=True)
    return _member_page(request, users, query)


@router.get("/following", response=MemberPage, summary="Members I follow")
def following(request, query: Query[PageQuery]):
    users = selectors.follows_queryset(request.user.pk, followers=False)
    return _member_page(request, users, query)


@router.put("/following/{handle}", response={204: None}, summary="Follow a member")
def follow(request, handle: str):
    other = _member(request, handle)
    services.follow(follower=request.user, followee_id=other.pk)
    return Status(204, None)


@router.delete("/following/{handle}", response={204: None}, summary="Unfollow a member")
def unfollow(request, handle: str):
    other = _member(request, handle)
    services.unfollow(follower=request.user, followee_id=other.pk)
    return Status(204, None)


@router.get("/blocks", response=MemberPage, summary="Members I blocked, latest first")
def blocks(request, query: Query[CursorQuery]):
    found, following = keyset_page(
        selectors.blocks_made(request.user.pk),
        cursor=query.cursor,
        per_page=PER_PAGE,
        field="created_at",
    )
    ids = [row.blocked_id for row in found]
    return {
        "items": member_cards(viewer=request.user, ids=ids, keep_blocked=True),
        "next": following,
    }


@router.put("/blocks/{handle}", response={204: None}, summary="Block a member (silently)")
def block(request, handle: str):
    other = access_block_target(request.user, handle)
    services.block(blocker=request.user, blocked_id=other.pk)
    return Status(204, None)


@router.delete("/blocks/{handle}", response={204: None}, summary="Unblock a member")
def unblock(request, handle: str):
    blocked = access_block(request.user, handle, "unblock")
    services.unblock(blocker=request.user, blocked_id=blocked.blocked_id)
    return Status(204, None)


class PrivacyIO(Payload):
    requests_from: Literal["everyone", "second", "nobody"]
    connections_visible_to: Literal["members", "connections", "only_me"]


@router.get("/privacy", response=PrivacyIO)
def privacy_get(request):
    current = selectors.privacy_for(request.user.pk)
    return PrivacyIO(
        requests_from=current.requests_from, connections_visible_to=current.connections_visible_to
    )


@router.put("/privacy", response=PrivacyIO)
def privacy_put(request, payload: PrivacyIO):
    saved: PrivacySettings = services.privacy_update(user=request.user, **payload.dict())
    return PrivacyIO(
        requests_from=saved.requests_from, connections_visible_to=saved.connections_visible_to
    )


# The app's one router, mounted by guanxi.api at "/": the endpoints above under /network,
# then the sub-packages' routers (their paths start with /network themselves).
app_router = Router()
app_router.add_router("/network", router)
app_router.add_router("/", introductions_router)
app_router.add_router("/", suggestions_router)
