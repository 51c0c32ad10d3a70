"""The email task: a mail server that is down delays the email, never the action, and
no retry or rerun sends an email twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.network import services as network
from guanxi.notifications import delivery, services
from guanxi.notifications import tasks as notification_tasks
from guanxi.notifications.models import Notification
from guanxi.notifications.tasks import send_notification_email, send_notification_emails
from tests.concurrency import run_together
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server_down(settings, closed_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2

    def back_up():
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return back_up


def test_a_mail_outage_delays_the_email_not_the_action(
    alice, bob, outbox, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = network.connection_request_send(sender=alice, recipient_id=bob.pk)
    assert outcome.request is not None  # the invitation went through
    note = Notification.objects.get(recipient=bob)
    assert note.emailed_at is None and note.email_claimed_at is None  # claim given back
    mail_server_down()  # the server is back
    Notification.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - delivery.SWEEP_AFTER - timedelta(minutes=1)
    )
    assert send_notification_emails.enqueue().return_value == {"digests": 0, "retried": 1}
    assert len(outbox) == 1
    assert send_notification_emails.enqueue().return_value == {"digests": 0, "retried": 0}
    assert len(outbox) == 1


def test_running_the_task_twice_sends_once(alice, bob, outbox):
    note = services.notify(recipient=bob, kind="connection_request", actor=alice)
    assert send_notification_email.enqueue(note.pk).return_value == "sent"
    assert send_notification_email.enqueue(note.pk).return_value == "busy"
    assert len(outbox) == 1


def test_a_held_claim_blocks_until_its_lease_ends(alice, bob, outbox):
    note = services.notify(recipient=bob, kind="connection_request", actor=alice)
    Notification.objects.filter(pk=note.pk).update(email_claimed_at=timezone.now())
    assert delivery.send_notification_email(note.pk) == delivery.Outcome.BUSY
    Notification.objects.filter(pk=note.pk).update(
        email_claimed_at=timezone.now() - delivery.CLAIM_LEASE - timedelta(seconds=1)
    )
    assert delivery.send_notification_email(note.pk) == delivery.Outcome.SENT  # a crashed worker
    assert len(outbox) == 1


def test_the_latest_choice_wins_when_the_task_runs(alice, bob, prefer, outbox):
    first = services.notify(recipient=bob, kind="connection_request", actor=alice)
    Notification.objects.filter(pk=first.pk).update(email=Notification.Email.NOW)
    from guanxi.notifications.models import KindPreference

    KindPreference.objects.create(user=bob, kind="connection_request", delivery="digest")
    assert delivery.send_notification_email(first.pk) == delivery.Outcome.MOVED
    KindPreference.objects.filter(user=bob).update(delivery="never")
    Notification.objects.filter(pk=first.pk).update(email=Notification.Email.NOW)
    assert delivery.send_notification_email(first.pk) == delivery.Outcome.SKIPPED
    assert outbox == []


def test_a_notification_read_before_the_email_goes_is_not_emailed(alice, bob, outbox):
    note = services.notify(recipient=bob, kind="connection_request", actor=alice)
    services.notifications_mark_read(recipient=bob)
    assert delivery.send_notification_email(note.pk) == delivery.Outcome.SKIPPED
    assert outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_email_send_it_once():
    from django.core import mail

    sender, reader = make_member("sender"), make_member("reader")
    notes = [
        services.notify(recipient=reader, kind="connection_request", actor=sender) for _ in range(3)
    ]
    # Autocommit sent them already; owe them again and let two workers race for each.
    Notification.objects.update(emailed_at=None, email_claimed_at=None)
    mail.outbox.clear()
    for note in notes:
        results = run_together([lambda n=note: delivery.send_notification_email(n.pk)] * 2)
        assert sorted(results) == [delivery.Outcome.BUSY, delivery.Outcome.SENT], results
    assert len(mail.outbox) == 3


def test_on_the_database_queue_a_failed_email_is_retried_later(
    alice, bob, settings, mail_server_down
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    note = services.notify(recipient=bob, kind="connection_request", actor=alice)
    with pytest.raises(OSError):
        send_notification_email.call(note.pk)
    (retry,) = DBTaskResult.objects.all()
    assert retry.args_kwargs["args"] == [note.pk, 2]
    assert retry.run_after > timezone.now() + timedelta(minutes=1)
    with pytest.raises(OSError):
        send_notification_email.call(note.pk, notification_tasks.MAX_ATTEMPTS)
    assert DBTaskResult.objects.count() == 1  # the last attempt leaves it to the sweep
