"""`guanxi demo` also builds the demo network: connections, invitations, introductions."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from guanxi.accounts.models import User
from guanxi.network.models import Connection, ConnectionRequest, Follow, Introduction
from guanxi.network.models.suggestions import Suggestion

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_builds_a_network_once():
    output = run("--members", "120")
    assert "Demo network:" in output
    connections = Connection.objects.count()
    assert connections >= 120 * 6  # about a dozen per member, fewer where pairs repeat
    ids = set(User.objects.filter(is_demo=True).values_list("pk", flat=True))
    degrees = {uid: 0 for uid in ids}
    for low, high in Connection.objects.values_list("user_low_id", "user_high_id"):
        degrees[low] += 1
        degrees[high] += 1
    # Skewed: the hub has far more connections than the typical member.
    ordered = sorted(degrees.values())
    assert ordered[-1] >= 1.5 * ordered[len(ordered) // 2]
    # Accepting makes both follow: every connection has both follows.
    assert Follow.objects.count() == 2 * connections
    invitations = ConnectionRequest.objects.count()
    introductions = Introduction.objects.count()
    assert invitations >= 1 and introductions >= 1
    assert Suggestion.objects.exists()
    # Pending invitations are between members who are not connected.
    for request in ConnectionRequest.objects.all():
        assert not Connection.objects.filter(
            user_low_id=request.pair_low_id, user_high_id=request.pair_high_id
        ).exists()

    again = run("--members", "120")
    assert "Demo network:" not in again
    assert Connection.objects.count() == connections
    assert ConnectionRequest.objects.count() == invitations
    assert Introduction.objects.count() == introductions


def test_demo_network_leaves_real_members_alone(alice):
    run("--members", "30")
    assert not Connection.objects.filter(Q(user_low=alice) | Q(user_high=alice)).exists()


def test_demo_members_have_mixed_notification_choices_and_notified_invitations():
    from guanxi.notifications.models import EmailSettings, KindPreference, Notification

    output = run("--members", "60")
    assert "demo members chose their own" in output
    choices = set(KindPreference.objects.values_list("kind", "delivery"))
    assert ("connection_request", "digest") in choices
    assert ("introduction_completed", "never") in choices
    assert EmailSettings.objects.filter(paused=True).exists()
    assert EmailSettings.objects.filter(language="zh-hans").exists()
    chosen = KindPreference.objects.values("user").distinct().count()
    assert chosen < User.objects.filter(is_demo=True).count() / 2  # most keep the defaults
    # Every seeded invitation reached its recipient's notifications.
    for request in ConnectionRequest.objects.all():
        assert Notification.objects.filter(
            recipient_id=request.recipient_id,
            kind="connection_request",
            data__request_id=request.pk,
        ).exists()
    before = KindPreference.objects.count()
    assert "chose their own" not in run("--members", "60")  # idempotent
    assert KindPreference.objects.count() == before
