"""Notifications over the REST API."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from guanxi.api.auth import member_auth
from guanxi.notifications import selectors, services

router = Router(tags=["notifications"], auth=member_auth)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    actor_handle: str | None
    created_at: str
    unread: bool
    state: str | None = Field(
        None, description="Where what it is about stands now, e.g. 'You accepted'."
    )
    awaiting_you: bool = Field(False, description="True while it still needs your answer.")


class NotificationList(Schema):
    unread: int
    items: list[NotificationOut]


class MarkRead(Schema):
    ids: list[int] | None = Field(None, max_length=500)


@router.get("", response=NotificationList, summary="My latest notifications")
def notification_list(request, limit: int = Query(50, ge=1, le=200)):
    rows = selectors.notifications_for(recipient=request.user)[:limit]
    items = [
        NotificationOut(
            id=item.id,
            kind=item.kind,
            text=item.text,
            url=item.url,
            actor_handle=item.actor.username if item.actor else None,
            created_at=item.created_at.isoformat(),
            unread=item.unread,
            state=item.state.label if item.state else None,
            awaiting_you=bool(item.state and item.state.open),
        )
        for item in selectors.as_items(rows)
    ]
    return NotificationList(unread=selectors.unread_count(recipient=request.user), items=items)


@router.post("/read", response={200: dict}, summary="Mark notifications read (all when no ids)")
def mark_read(request, payload: MarkRead):
    count = services.notifications_mark_read(recipient=request.user, ids=payload.ids)
    return {"marked": count}
