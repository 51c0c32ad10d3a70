"""Notifications over the REST API."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from guanxi.api.auth import member_auth
from guanxi.api.pagination import CURSOR_MAX, keyset_page
from guanxi.api.schemas import ListPage, MemberCard, Payload
from guanxi.notifications import selectors, services

router = Router(tags=["notifications"], auth=member_auth)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    actor_handle: str | None = Field(description="The actor's handle (also in actor).")
    actor: MemberCard | None = Field(
        description="Who did it, as the member card every list shows; null when no one "
        "did or it is a member you no longer see."
    )
    created_at: str
    unread: bool
    state: str | None = Field(
        None, description="Where what it is about stands now, e.g. 'You accepted'."
    )
    awaiting_you: bool = Field(False, description="True while it still needs your answer.")


class NotificationPage(ListPage):
    unread: int = Field(description="How many of all the member's notifications are unread.")
    items: list[NotificationOut]


class MarkRead(Payload):
    ids: list[int] | None = Field(None, max_length=500)


@router.get("", response=NotificationPage, summary="My notifications, latest first")
def notification_list(
    request,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, max_length=CURSOR_MAX),
):
    rows, following = keyset_page(
        selectors.notifications_for(recipient=request.user),
        cursor=cursor,
        per_page=limit,
        field="created_at",
    )
    # Dicts, not NotificationOut instances: ninja then builds the actor's card with the
    # request at hand, which makes its URLs absolute.
    items = [
        {
            "id": item.id,
            "kind": item.kind,
            "text": item.text,
            "url": item.url,
            "actor_handle": item.actor.username if item.actor else None,
            "actor": item.actor_card,
            "created_at": item.created_at.isoformat(),
            "unread": item.unread,
            "state": item.state.label if item.state else None,
            "awaiting_you": bool(item.state and item.state.open),
        }
        for item in selectors.as_items(rows, cards_for=request.user)
    ]
    return {
        "items": items,
        "next": following,
        "unread": selectors.unread_count(recipient=request.user),
    }


@router.post("/read", response={200: dict}, summary="Mark notifications read (all when no ids)")
def mark_read(request, payload: MarkRead):
    count = services.notifications_mark_read(recipient=request.user, ids=payload.ids)
    return {"marked": count}
