"""Races on the one-click unsubscribe and its Undo: a mail client's one-click POST, the
member's click on the same link and an Undo can all arrive at once, each request on its
own database connection. Every request answers (never a 500) and the preference ends in
a state one of them left: unsubscribed, or as before; one row per member and kind."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from guanxi.notifications import selectors, unsubscribe
from guanxi.notifications import services as notification_services
from guanxi.notifications.models import EmailSettings, KindPreference
from guanxi.notifications.registry import Delivery
from tests.concurrency import on_other_connection, outcome, run_together
from tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)

KIND = "connection_request"
ROUNDS = 3


def _link(user, scope: str) -> str:
    return reverse("notifications_unsubscribe", args=[unsubscribe.make_token(user.pk, scope)])


def _click(user, scope: str):
    return lambda: Client().get(_link(user, scope))


def _one_click(user, scope: str):
    return lambda: Client().post(_link(user, scope), {"List-Unsubscribe": "One-Click"})


def _undo(token: str):
    return lambda: Client().post(reverse("notifications_unsubscribe_undo"), {"undo": token})


def _undo_token(response) -> str:
    return re.search(r'name="undo" value="([^"]+)"', response.content.decode()).group(1)


def _all_answered(results) -> None:
    for result in results:
        assert not isinstance(result, Exception), repr(result)
        assert result.status_code == 200, result.content


def test_first_unsubscribes_at_once_leave_one_row():
    """A member with no settings row yet: the click and the one-click POST both create it."""
    for round_ in range(ROUNDS):
        member = make_member(f"reader{round_}")
        _all_answered(
            run_together([_click(member, KIND), _one_click(member, KIND), _click(member, KIND)])
        )
        assert selectors.delivery_for(member, KIND) == Delivery.NEVER
        assert KindPreference.objects.filter(user=member, kind=KIND).count() == 1
        assert EmailSettings.objects.filter(user=member).count() == 1


def test_unsubscribe_and_undo_at_once_end_in_one_of_their_states():
    for round_ in range(ROUNDS):
        member = make_member(f"reader{round_}")
        token = _undo_token(Client().get(_link(member, KIND)))
        results = run_together(
            [_undo(token), _click(member, KIND), _undo(token), _one_click(member, KIND)]
        )
        _all_answered(results)
        assert selectors.delivery_for(member, KIND) in (Delivery.NEVER, Delivery.NOW)
        # NOW is the kind's default, which is stored as no row at all.
        rows = KindPreference.objects.filter(user=member, kind=KIND)
        assert rows.count() == (1 if selectors.delivery_for(member, KIND) == Delivery.NEVER else 0)
        assert EmailSettings.objects.filter(user=member).count() == 1
        # Whatever won, an Undo still brings the member back, and a click still leaves.
        _all_answered([_undo(token)()])
        assert selectors.delivery_for(member, KIND) == Delivery.NOW
        _all_answered([_click(member, KIND)()])
        assert selectors.delivery_for(member, KIND) == Delivery.NEVER


def test_pausing_everything_and_undo_at_once():
    for round_ in range(ROUNDS):
        member = make_member(f"reader{round_}")
        token = _undo_token(Client().get(_link(member, unsubscribe.ALL)))
        results = run_together(
            [
                _undo(token),
                _click(member, unsubscribe.ALL),
                _undo(token),
                _one_click(member, unsubscribe.ALL),
            ]
        )
        _all_answered(results)
        assert EmailSettings.objects.filter(user=member).count() == 1
        _all_answered([_undo(token)()])
        assert selectors.email_settings_for(member).paused is False


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no interleaving"
)
def test_unsubscribe_colliding_with_an_unsubscribe_then_an_undo_answers():
    """Forced: while one unsubscribe stores the kind's row, another connection commits the
    same row first and an Undo deletes it right after (what CI once hit by chance:
    update_or_create's re-read found nothing and the click got a 500)."""
    member = make_member("reader")
    first = notification_services.unsubscribe(user_id=member.pk, scope=KIND)
    notification_services.unsubscribe_undo(undo=first)  # settings row exists: no other lock
    seen: list[str] = []
    undoing: list[threading.Thread] = []

    def interleave(execute, sql, params, many, context):
        if not sql.startswith('INSERT INTO "notifications_kindpreference"') or seen:
            return execute(sql, params, many, context)
        seen.append(sql)
        other = outcome(
            on_other_connection(
                lambda: notification_services.unsubscribe(user_id=member.pk, scope=KIND)
            )
        )
        try:
            return execute(sql, params, many, context)
        finally:
            # The Undo waits for this transaction if it holds the row (the upsert), or
            # deletes at once if the insert collided (the old code's re-read then fails).
            undoing.append(
                on_other_connection(lambda: notification_services.unsubscribe_undo(undo=other))
            )
            undoing[0].join(timeout=2)

    with connection.execute_wrapper(interleave):
        undo = notification_services.unsubscribe(user_id=member.pk, scope=KIND)
    outcome(undoing[0])

    assert seen and undo is not None
    # The Undo, last to commit, puts back what the other unsubscribe found: the default.
    assert selectors.delivery_for(member, KIND) == Delivery.NOW
    assert KindPreference.objects.filter(user=member, kind=KIND).count() == 0
    assert EmailSettings.objects.filter(user=member).count() == 1
