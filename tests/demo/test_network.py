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
