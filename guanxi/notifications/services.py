"""Writes for notifications. `notify` is the one way to tell a member something: the
row is written in the caller's transaction (a rolled-back action leaves nothing
behind), and the email it owes is sent by the worker once that transaction commits."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from guanxi.notifications import registry, selectors
from guanxi.notifications.models import EmailSettings, KindPreference, Notification
from guanxi.notifications.registry import Delivery
from guanxi.notifications.unsubscribe import ALL, Undo

logger = logging.getLogger(__name__)


def notify(*, recipient, kind: str, actor=None, data: dict | None = None) -> Notification:
    spec = registry.get(kind)
    if spec is None:
        raise ValueError(f"unregistered notification kind {kind!r}")
    email = _email_owed(recipient, kind)
    note = Notification.objects.create(
        recipient=recipient, actor=actor, kind=kind, data=data or {}, email=email
    )
    if email == Notification.Email.NOW:
        # robust: a queue that is down must not turn the committed action into an error;
        # the periodic sweep sends what was not enqueued.
        transaction.on_commit(lambda: _enqueue_email(note.pk), robust=True)
    elif email == Notification.Email.DIGEST:
        schedule_digest(recipient)
    return note


def _email_owed(recipient, kind: str) -> str:
    if not selectors.may_email(recipient) or selectors.email_settings_for(recipient).paused:
        return Notification.Email.NONE
    delivery = selectors.delivery_for(recipient, kind)
    return {
        Delivery.NOW: Notification.Email.NOW,
        Delivery.DIGEST: Notification.Email.DIGEST,
    }.get(delivery, Notification.Email.NONE)


def _enqueue_email(notification_id: int) -> None:
    from guanxi.notifications.tasks import send_notification_email

    send_notification_email.enqueue(notification_id)


def next_digest_slot(now: datetime | None = None) -> datetime:
    """The next daily digest time (GUANXI_DIGEST_HOUR in TIME_ZONE) strictly after now."""
    local = timezone.localtime(now or timezone.now())
    slot = local.replace(hour=settings.GUANXI_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if slot <= local:
        slot += timedelta(days=1)
    return slot


def _ensure_settings(user) -> None:
    if not EmailSettings.objects.filter(user=user).exists():
        try:
            with transaction.atomic():
                EmailSettings.objects.create(user=user)
        except IntegrityError:
            pass  # created by a concurrent writer: just as good


def schedule_digest(user) -> None:
    """Make sure a digest slot is booked; a booked one stays (one digest a day)."""
    slot = next_digest_slot()
    if EmailSettings.objects.filter(user=user, next_digest_at__isnull=True).update(
        next_digest_at=slot
    ):
        return
    if EmailSettings.objects.filter(user=user).exists():
        return  # booked already
    try:
        with transaction.atomic():
            EmailSettings.objects.create(user=user, next_digest_at=slot)
    except IntegrityError:  # created by a concurrent writer
        EmailSettings.objects.filter(user=user, next_digest_at__isnull=True).update(
            next_digest_at=slot
        )


@transaction.atomic
def notifications_mark_read(*, recipient, ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications read (all unread ones when `ids` is None)."""
    rows = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


# --- preferences ----------------------------------------------------------------------


@transaction.atomic
def email_preferences_update(
    *, user, deliveries: dict[str, str], paused: bool, language: str
) -> None:
    """Save the settings page: a delivery per kind (defaults are not stored, so a kind's
    default can still change for those who never chose), the pause and the language."""
    _ensure_settings(user)
    EmailSettings.objects.filter(user=user).update(paused=paused, language=language)
    for key, delivery in deliveries.items():
        _set_delivery(user, key, delivery)
    _drop_unwanted(user)


def _set_delivery(user, key: str, delivery: str) -> None:
    kind = registry.get(key)
    if kind is None:
        return
    if delivery == kind.default_delivery:
        KindPreference.objects.filter(user=user, kind=key).delete()
    else:
        # One INSERT … ON CONFLICT DO UPDATE: update_or_create's read, insert and re-read
        # fail when another request deletes the row it collided with in between (an Undo
        # racing two unsubscribes on PostgreSQL).
        KindPreference.objects.bulk_create(
            [KindPreference(user=user, kind=key, delivery=Delivery(delivery).value)],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["delivery"],
        )


def _drop_unwanted(user) -> None:
    """Emails still owed but no longer wanted are not sent, and those now wanted in the
    digest move there; what already waits for the digest stays in it."""
    pending = Notification.objects.filter(recipient=user, emailed_at__isnull=True).exclude(
        email=Notification.Email.NONE
    )
    if selectors.email_settings_for(user).paused:
        pending.update(email=Notification.Email.NONE)
        return
    for key, delivery in selectors.deliveries_for(user).items():
        if delivery == Delivery.NEVER:
            pending.filter(kind=key).update(email=Notification.Email.NONE)
        elif delivery == Delivery.DIGEST and pending.filter(kind=key).exists():
            pending.filter(kind=key).update(email=Notification.Email.DIGEST)
            schedule_digest(user)


@transaction.atomic
def unsubscribe(*, user_id: int, scope: str) -> Undo | None:
    """Apply a one-click unsubscribe; returns how to undo it (None: no such member)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    current = selectors.email_settings_for(user)
    if scope == ALL:
        undo = Undo(user_id, ALL, "1" if current.paused else "0")
        email_preferences_update(user=user, deliveries={}, paused=True, language=current.language)
        return undo
    chosen = (
        KindPreference.objects.filter(user=user, kind=scope)
        .values_list("delivery", flat=True)
        .first()
    )
    undo = Undo(user_id, scope, chosen or "")
    _ensure_settings(user)
    _set_delivery(user, scope, Delivery.NEVER)
    _drop_unwanted(user)
    return undo


@transaction.atomic
def unsubscribe_undo(*, undo: Undo) -> bool:
    user = get_user_model().objects.filter(pk=undo.user_id).first()
    if user is None:
        return False
    if undo.scope == ALL:
        _ensure_settings(user)
        EmailSettings.objects.filter(user=user).update(paused=undo.previous == "1")
        return True
    kind = registry.get(undo.scope)
    if kind is None:
        return False
    _set_delivery(user, undo.scope, undo.previous or kind.default_delivery)
    return True


def remember_site_language(*, user, language: str) -> None:
    """Record the language the member uses the site in (emails follow it by default)."""
    if not EmailSettings.objects.filter(user=user).update(site_language=language):
        try:
            with transaction.atomic():
                EmailSettings.objects.create(user=user, site_language=language)
        except IntegrityError:
            EmailSettings.objects.filter(user=user).update(site_language=language)
