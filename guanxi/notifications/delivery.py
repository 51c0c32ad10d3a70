"""Sending what `notify` owes, from the worker. Every send is claimed with a
conditional UPDATE first, so two workers, a retried task or a rerun of the scheduler
never send the same email twice:

- a single notification's email: `email_claimed_at` is a lease on the row and
  `emailed_at` its sent-marker;
- a member's digest: `EmailSettings.next_digest_at` is the booked daily slot, and only
  the worker whose UPDATE clears it sends that day's digest.

A failed send gives its claim back and raises; the next attempt (a retry, or the
periodic sweep) sends it. The action that caused it has long been committed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone

from guanxi.notifications import emails, selectors, services
from guanxi.notifications.models import EmailSettings, Notification
from guanxi.notifications.registry import Delivery

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)
# The sweep resends an immediate email left unsent this long (a lost enqueue, a mail
# server that was down), and gives up on those older than STALE_AFTER.
SWEEP_AFTER = timedelta(minutes=10)
STALE_AFTER = timedelta(days=3)
DIGESTS_PER_BATCH = 200
SWEEP_LIMIT = 500


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # no longer wanted, already read, or the member is gone
    MOVED = "moved"  # the member now wants this kind in the digest
    BUSY = "busy"  # sent already, or another worker holds it


def _claim(notification_id: int, now: datetime) -> bool:
    return bool(
        Notification.objects.filter(
            pk=notification_id, email=Notification.Email.NOW, emailed_at__isnull=True
        )
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_LEASE))
        .update(email_claimed_at=now)
    )


def send_notification_email(notification_id: int) -> Outcome:
    now = timezone.now()
    if not _claim(notification_id, now):
        return Outcome.BUSY
    note = (
        Notification.objects.select_related("recipient", "actor__profile")
        .filter(pk=notification_id)
        .first()
    )
    if note is None:  # the member left meanwhile
        return Outcome.SKIPPED
    rows = Notification.objects.filter(pk=note.pk)
    user = note.recipient
    email_settings = selectors.email_settings_for(user)
    delivery = selectors.delivery_for(user, note.kind)
    # Preferences may have changed since `notify`; the latest choice wins.
    if (
        note.read_at is not None
        or email_settings.paused
        or not selectors.may_email(user)
        or delivery == Delivery.NEVER
    ):
        rows.update(email=Notification.Email.NONE, email_claimed_at=None)
        return Outcome.SKIPPED
    if delivery == Delivery.DIGEST:
        rows.update(email=Notification.Email.DIGEST, email_claimed_at=None)
        services.schedule_digest(user)
        return Outcome.MOVED
    try:
        message = emails.notification_email(note, language=selectors.email_language(email_settings))
        message.send()
    except Exception:
        rows.update(email_claimed_at=None)
        raise
    rows.update(emailed_at=timezone.now())
    return Outcome.SENT


def send_due_digests(now: datetime | None = None) -> int:
    """Send every digest whose slot has come; returns how many this worker sent.

    Batch after batch until none is due, so one run keeps up with any number of members;
    several workers can run it at once (the claims keep them apart)."""
    now = now or timezone.now()
    sent = 0
    failed: set[int] = set()
    while True:
        due = list(
            EmailSettings.objects.filter(next_digest_at__lte=now)
            .exclude(user_id__in=failed)
            .order_by("next_digest_at", "user_id")
            .values_list("user_id", "next_digest_at")[:DIGESTS_PER_BATCH]
        )
        for user_id, slot in due:
            claimed = EmailSettings.objects.filter(user_id=user_id, next_digest_at=slot).update(
                next_digest_at=None
            )
            if not claimed:
                continue  # another worker has it
            try:
                sent += _send_digest(user_id, now)
            except Exception:
                logger.exception("digest for member %s failed; it will be tried again", user_id)
                failed.add(user_id)
                # Give the slot back unless a later one was booked meanwhile.
                EmailSettings.objects.filter(user_id=user_id).filter(
                    Q(next_digest_at__isnull=True) | Q(next_digest_at__gt=slot)
                ).update(next_digest_at=slot)
        if len(due) < DIGESTS_PER_BATCH:
            return sent


def _send_digest(user_id: int, now: datetime) -> int:
    email_settings = EmailSettings.objects.select_related("user").get(user_id=user_id)
    user = email_settings.user
    pending = Notification.objects.filter(
        recipient_id=user_id, email=Notification.Email.DIGEST, emailed_at__isnull=True
    )
    wanted = {key for key, d in selectors.deliveries_for(user).items() if d != Delivery.NEVER}
    if email_settings.paused or not selectors.may_email(user):
        pending.update(email=Notification.Email.NONE)
        return 0
    # What the member has read on the site, or no longer wants by email, is left out.
    pending.filter(Q(read_at__isnull=False) | ~Q(kind__in=wanted)).update(
        email=Notification.Email.NONE
    )
    notes = list(pending.filter(created_at__lte=now).select_related("actor__profile"))
    if not notes:
        return 0
    message = emails.digest_email(user, notes, language=selectors.email_language(email_settings))
    message.send()
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=timezone.now())
    EmailSettings.objects.filter(user_id=user_id).update(last_digest_at=now)
    return 1


def unsent_immediate_ids(now: datetime | None = None) -> list[int]:
    """Immediate emails that should have gone out by now (for the periodic sweep)."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            email=Notification.Email.NOW,
            emailed_at__isnull=True,
            created_at__lt=now - SWEEP_AFTER,
            created_at__gte=now - STALE_AFTER,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
