"""Writes for notifications. Senders call `notify` inside their transaction; the row
is written with it, so a rolled-back action leaves no notification behind."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from guanxi.notifications import registry
from guanxi.notifications.models import Notification


def notify(*, recipient, kind: str, actor=None, data: dict | None = None) -> Notification:
    if registry.get(kind) is None:
        raise ValueError(f"unregistered notification kind {kind!r}")
    return Notification.objects.create(recipient=recipient, actor=actor, kind=kind, data=data or {})


@transaction.atomic
def notifications_mark_read(*, recipient, ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications read (all unread ones when `ids` is None)."""
    rows = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())
