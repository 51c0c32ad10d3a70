"""The member graph over the REST API: the same services and rules as the pages."""

from __future__ import annotations

from typing import Literal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from guanxi.accounts.models import User
from guanxi.api.auth import member_auth
from guanxi.api.errors import ApiError
from guanxi.api.schemas import MemberCard, Page, page_meta
from guanxi.network import selectors, services
from guanxi.network.errors import NetworkError, NotFound
from guanxi.network.introductions.api import router as introductions_router
from guanxi.network.models import Block, ConnectionRequest, PrivacySettings
from guanxi.network.services import REQUEST_NOTE_MAX
from guanxi.network.suggestions.api import router as suggestions_router

router = Router(tags=["network"], auth=member_auth)
PER_PAGE = 50


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NetworkError as error:
        raise ApiError(error.status, error.code, error.message) from None


def _member(request: HttpRequest, handle: str):
    try:
        return selectors.member_for_viewer(request.user, handle)
    except Http404:
        raise ApiError(404, "not_found", str(NotFound.default_message)) from None


def _paged(request: HttpRequest, queryset, page: int):
    paginator = Paginator(queryset, PER_PAGE)
    if page < 1 or (page > paginator.num_pages and page != 1):
        raise ApiError(404, "not_found", str(NotFound.default_message))
    return paginator.page(min(page, paginator.num_pages))


class MemberList(Schema):
    items: list[MemberCard]
    meta: Page


def _member_list(request, users, page: int) -> MemberList:
    found = _paged(request, users, page)
    return MemberList(items=[MemberCard.of(u) for u in found.object_list], meta=page_meta(found))


@router.get("/connections", response=MemberList, summary="My connections")
def my_connections(request, q: str = "", sort: Literal["name", "recent"] = "name", page: int = 1):
    if len(q) > 100:
        raise ApiError(
            422, "invalid", "q: at most 100 characters", {"q": ["at most 100 characters"]}
        )
    users = selectors.connections_page_queryset(
        request.user.pk, viewer_id=request.user.pk, q=q, sort=sort
    )
    return _member_list(request, users, page)


@router.get("/members/{handle}/connections", response=MemberList, summary="A member's connections")
def member_connections(request, handle: str, page: int = 1):
    owner = _member(request, handle)
    if not selectors.may_see_connections(request.user, owner.pk):
        raise ApiError(403, "forbidden", "This member's connections are private.")
    users = selectors.connections_page_queryset(owner.pk, viewer_id=request.user.pk)
    return _member_list(request, users, page)


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
        raise ApiError(422, "invalid", "That is you.")
    rel = selectors.relationship(request.user.pk, other.pk)
    return RelationshipOut(
        degree=rel.degree,
        connected=rel.connected,
        request_sent=rel.request_sent,
        request_received=rel.request_received,
        request_id=rel.request_id if (rel.request_sent or rel.request_received) else None,
        following=rel.following,
        mutual_count=rel.mutual_count,
        mutual_sample=[MemberCard.of(u) for u in rel.mutual_sample],
    )


class InvitationIn(Schema):
    handle: str = Field(..., max_length=30)
    note: str = Field("", max_length=REQUEST_NOTE_MAX)


class InvitationOut(Schema):
    id: int
    member: MemberCard
    note: str
    created_at: str
    direction: Literal["received", "sent"]


class InvitationResult(Schema):
    status: Literal["pending", "connected"]
    invitation_id: int | None = None


def _invitation_out(invitation: ConnectionRequest, *, received: bool) -> InvitationOut:
    return InvitationOut(
        id=invitation.pk,
        member=MemberCard.of(invitation.sender if received else invitation.recipient),
        # A note is for its recipient; the sender sees their own note too.
        note=invitation.note,
        created_at=invitation.created_at.isoformat(),
        direction="received" if received else "sent",
    )


@router.get("/invitations", response=list[InvitationOut], summary="Invitations waiting for me")
def invitations_received(request):
    rows = selectors.invitations_received(request.user.pk)[:200]
    return [_invitation_out(row, received=True) for row in rows]


@router.get("/invitations/sent", response=list[InvitationOut], summary="Invitations I sent")
def invitations_sent(request):
    rows = selectors.invitations_sent(request.user.pk)[:200]
    return [_invitation_out(row, received=False) for row in rows]


@router.post("/invitations", response={201: InvitationResult}, summary="Invite a member to connect")
def invitation_send(request, payload: InvitationIn):
    other = _member(request, payload.handle)
    outcome = _call(
        services.connection_request_send,
        sender=request.user,
        recipient_id=other.pk,
        note=payload.note,
    )
    if outcome.connection is not None:
        return Status(201, InvitationResult(status="connected"))
    return Status(201, InvitationResult(status="pending", invitation_id=outcome.request.pk))


@router.post("/invitations/{invitation_id}/accept", response={200: InvitationResult})
def invitation_accept(request, invitation_id: int):
    _call(services.connection_request_accept, user=request.user, request_id=invitation_id)
    return InvitationResult(status="connected")


@router.post("/invitations/{invitation_id}/ignore", response={204: None})
def invitation_ignore(request, invitation_id: int):
    _call(services.connection_request_ignore, user=request.user, request_id=invitation_id)
    return Status(204, None)


@router.delete(
    "/invitations/{invitation_id}", response={204: None}, summary="Withdraw an invitation"
)
def invitation_withdraw(request, invitation_id: int):
    _call(services.connection_request_withdraw, user=request.user, request_id=invitation_id)
    return Status(204, None)


@router.delete("/connections/{handle}", response={204: None}, summary="Remove a connection")
def connection_remove(request, handle: str):
    other = _member(request, handle)
    _call(services.connection_remove, user=request.user, other_id=other.pk)
    return Status(204, None)


@router.get("/followers", response=MemberList)
def followers(request, page: int = 1):
    users = selectors.follows_queryset(request.user.pk, followers=True)
    return _member_list(request, users, page)


@router.get("/following", response=MemberList)
def following(request, page: int = 1):
    users = selectors.follows_queryset(request.user.pk, followers=False)
    return _member_list(request, users, page)


@router.put("/following/{handle}", response={204: None}, summary="Follow a member")
def follow(request, handle: str):
    other = _member(request, handle)
    _call(services.follow, follower=request.user, followee_id=other.pk)
    return Status(204, None)


@router.delete("/following/{handle}", response={204: None}, summary="Unfollow a member")
def unfollow(request, handle: str):
    other = _member(request, handle)
    services.unfollow(follower=request.user, followee_id=other.pk)
    return Status(204, None)


@router.get("/blocks", response=list[MemberCard], summary="Members I blocked")
def blocks(request):
    rows = Block.objects.filter(blocker=request.user).select_related("blocked__profile")[:500]
    return [MemberCard.of(row.blocked) for row in rows]


@router.put("/blocks/{handle}", response={204: None}, summary="Block a member (silently)")
def block(request, handle: str):
    # Resolve without the block filter: blocking someone who blocked you must still work
    # and must not reveal their block.
    other = User.objects.filter(username=handle.lower()).first()
    if other is None:
        raise ApiError(404, "not_found", str(NotFound.default_message))
    _call(services.block, blocker=request.user, blocked_id=other.pk)
    return Status(204, None)


@router.delete("/blocks/{handle}", response={204: None}, summary="Unblock a member")
def unblock(request, handle: str):
    blocked = Block.objects.filter(blocker=request.user, blocked__username=handle.lower()).first()
    if blocked is None:
        raise ApiError(404, "not_found", str(NotFound.default_message))
    services.unblock(blocker=request.user, blocked_id=blocked.blocked_id)
    return Status(204, None)


class PrivacyIO(Schema):
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
    saved: PrivacySettings = _call(services.privacy_update, user=request.user, **payload.dict())
    return PrivacyIO(
        requests_from=saved.requests_from, connections_visible_to=saved.connections_visible_to
    )


# The app's one router, mounted by guanxi.api at "/": the endpoints above under /network,
# then the sub-packages' routers (their paths start with /network themselves).
app_router = Router()
app_router.add_router("/network", router)
app_router.add_router("/", introductions_router)
app_router.add_router("/", suggestions_router)
