"""The daily digest: grouped by kind, sent once per member per day by whichever worker
claims the member's slot first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from guanxi.notifications import delivery, emails, services
from guanxi.notifications.models import EmailSettings, Notification
from guanxi.notifications.tasks import send_notification_emails
from tests.concurrency import run_together
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _due(user) -> None:
    """Move the member's booked slot into the past, as the clock would."""
    EmailSettings.objects.filter(user=user).update(
        next_digest_at=timezone.now() - timedelta(minutes=1)
    )


def test_the_next_slot_is_the_digest_hour_after_now(settings):
    settings.GUANXI_DIGEST_HOUR = 8
    tz = timezone.get_current_timezone()
    before = timezone.make_aware(datetime(2026, 3, 1, 7, 59), tz)
    at = timezone.make_aware(datetime(2026, 3, 1, 8, 0), tz)
    assert services.next_digest_slot(before) == timezone.make_aware(datetime(2026, 3, 1, 8), tz)
    assert services.next_digest_slot(at) == timezone.make_aware(datetime(2026, 3, 2, 8), tz)


def test_a_digest_groups_the_days_notifications_by_kind(alice, bob, carol, outbox):
    for actor in (alice, carol):
        services.notify(recipient=bob, kind="connection_accepted", actor=actor)
    services.notify(
        recipient=bob,
        kind="introduction_completed",
        actor=alice,
        data={"introduction_id": 1, "introducer_name": "Carol Wang"},
    )
    _due(bob)
    assert delivery.send_due_digests() == 1
    assert len(outbox) == 1
    body = outbox[0].body
    assert outbox[0].subject == "[Guanxi] Your daily summary: 3 new notifications"
    assert body.index("Accepted invitations") < body.index("Alice Chen accepted your invitation.")
    assert body.index("Alice Chen accepted") < body.index("Carol Wang accepted")
    assert body.index("Carol Wang accepted") < body.index("Completed introductions")
    assert outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(recipient=bob, emailed_at__isnull=True).exists()
    settings_row = EmailSettings.objects.get(user=bob)
    assert settings_row.next_digest_at is None
    assert settings_row.last_digest_at is not None


def test_a_long_day_is_cut_per_kind(alice, bob):
    notes = [
        Notification(recipient=bob, actor=alice, kind="connection_accepted", pk=i)
        for i in range(1, emails.DIGEST_ITEMS_PER_KIND + 4)
    ]
    for note in notes:
        note.created_at = timezone.now()
    (group,) = emails.digest_groups(notes)
    assert len(group.items) == emails.DIGEST_ITEMS_PER_KIND
    assert group.more == 3


def test_a_slot_not_yet_due_sends_nothing(alice, bob, outbox):
    services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    assert delivery.send_due_digests() == 0
    assert outbox == []


def test_one_digest_per_day_and_a_rerun_sends_nothing(alice, bob, carol, outbox):
    services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    _due(bob)
    assert delivery.send_due_digests() == 1
    assert delivery.send_due_digests() == 0  # the scheduler ran again
    # Something new after today's digest waits for tomorrow's slot.
    services.notify(recipient=bob, kind="connection_accepted", actor=carol)
    slot = EmailSettings.objects.get(user=bob).next_digest_at
    assert slot > timezone.now()
    assert slot - timezone.now() <= timedelta(days=1)
    assert delivery.send_due_digests() == 0
    assert len(outbox) == 1


def test_read_or_unwanted_items_are_left_out(alice, bob, carol, prefer, outbox):
    read = services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    services.notify(recipient=bob, kind="connection_accepted", actor=carol)
    services.notifications_mark_read(recipient=bob, ids=[read.pk])
    _due(bob)
    delivery.send_due_digests()
    assert "Carol Wang" in outbox[0].body
    assert "Alice Chen" not in outbox[0].body


def test_a_paused_member_gets_no_digest(alice, bob, prefer, outbox):
    services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    prefer(bob, "connection_accepted", "digest", paused=True)
    _due(bob)
    assert delivery.send_due_digests() == 0
    assert outbox == []


def test_a_failed_digest_keeps_its_slot_and_goes_out_on_the_next_run(
    alice, bob, outbox, settings, closed_port
):
    services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    _due(bob)
    slot = EmailSettings.objects.get(user=bob).next_digest_at
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    assert delivery.send_due_digests() == 0
    assert EmailSettings.objects.get(user=bob).next_digest_at == slot
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_emails.enqueue().return_value == {"digests": 1, "retried": 0}
    assert len(outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_digest_exactly_once():
    """The race: two workers (or a rerun overlapping a slow run) claim the same slots."""
    sender = make_member("sender", display_name="Sam Sender")
    members = [make_member(f"reader{i}") for i in range(6)]
    for member in members:
        services.notify(recipient=member, kind="connection_accepted", actor=sender)
        _due(member)
    mail.outbox.clear()
    results = run_together([delivery.send_due_digests, delivery.send_due_digests])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(members)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert delivery.send_due_digests() == 0
    assert len(mail.outbox) == len(members)


def test_one_run_keeps_going_past_a_batch(settings, alice, outbox, monkeypatch):
    monkeypatch.setattr(delivery, "DIGESTS_PER_BATCH", 2)
    members = [make_member(f"batch{i}") for i in range(5)]
    for member in members:
        services.notify(recipient=member, kind="connection_accepted", actor=alice)
        _due(member)
    assert delivery.send_due_digests() == 5
    assert len(outbox) == 5


def test_a_digest_is_written_in_the_members_language(alice, bob, outbox):
    services.remember_site_language(user=bob, language="zh-hans")
    services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    _due(bob)
    delivery.send_due_digests()
    assert outbox[0].subject == "[Guanxi] 每日摘要：1 条新通知"
    assert "已被接受的邀请" in outbox[0].body  # the kind's label
    assert "Alice Chen 接受了你的邀请。" in outbox[0].body
