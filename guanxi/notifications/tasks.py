"""Notification emails, sent by the worker. Each task is safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from guanxi.notifications import delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> str:
    try:
        return delivery.send_notification_email(notification_id)
    except Exception:
        # A mail server that is down delays the email: try again later (2, 4, 8 …
        # minutes) where the queue can defer, and the periodic sweep catches the rest.
        logger.exception("notification email %s failed (attempt %s)", notification_id, attempt)
        backend = send_notification_email.get_backend()
        if attempt < MAX_ATTEMPTS and backend.supports_defer:
            send_notification_email.using(
                run_after=timezone.now() + timedelta(minutes=2**attempt)
            ).enqueue(notification_id, attempt + 1)
        raise


@task()
def send_notification_emails() -> dict[str, int]:
    """The periodic job: due digests, then immediate emails that were not sent."""
    digests = delivery.send_due_digests()
    retried = 0
    for notification_id in delivery.unsent_immediate_ids():
        try:
            if delivery.send_notification_email(notification_id) == delivery.Outcome.SENT:
                retried += 1
        except Exception:
            logger.exception("notification email %s failed again", notification_id)
            break  # the mail server is still down: leave the rest for the next run
    return {"digests": digests, "retried": retried}
