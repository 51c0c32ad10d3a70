"""Reads for notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from guanxi.notifications import registry
from guanxi.notifications.models import Notification


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    text: str
    url: str
    actor: object | None
    created_at: datetime
    unread: bool


def unread_count(*, recipient) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


def notifications_for(*, recipient) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=recipient).select_related("actor__profile")


def as_items(notifications) -> list[NotificationItem]:
    items = []
    for note in notifications:
        kind = registry.get(note.kind)
        if kind is None:  # an app that registered it was removed: skip, don't crash
            continue
        items.append(
            NotificationItem(
                id=note.pk,
                kind=note.kind,
                text=kind.text(note),
                url=kind.url(note),
                actor=note.actor,
                created_at=note.created_at,
                unread=note.read_at is None,
            )
        )
    return items
