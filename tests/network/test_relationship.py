"""The profile's relationship panel: true mutual counts, and a cost that does not grow
with either member's number of connections."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.network import selectors
from guanxi.network.models import Connection
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _link(a, b):
    low, high = sorted((a.pk, b.pk))
    Connection.objects.create(user_low_id=low, user_high_id=high)


def test_mutual_count_and_sample_match_the_graph():
    rng = random.Random(7)
    members = [make_member() for _ in range(24)]
    adjacency = {m.pk: set() for m in members}
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if rng.random() < 0.3:
                _link(a, b)
                adjacency[a.pk].add(b.pk)
                adjacency[b.pk].add(a.pk)
    for a in members:
        for b in members:
            if a == b:
                continue
            mutual = adjacency[a.pk] & adjacency[b.pk]
            rel = selectors.relationship(a.pk, b.pk)
            assert rel.mutual_count == len(mutual), (a.pk, b.pk)
            assert [u.pk for u in rel.mutual_sample] == sorted(mutual)[:3]
            assert rel.connected == (b.pk in adjacency[a.pk])


def _queries(viewer, other) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        selectors.relationship(viewer.pk, other.pk)
    return [q["sql"] for q in captured.captured_queries]


def test_query_count_is_the_same_for_a_hub_and_a_newcomer():
    """Three statements whatever the degrees: the pair, the mutual probe (from the
    smaller side), the sample's profiles; none returns a member's connection list."""
    other = make_member()
    newcomer, hub = make_member(), make_member()
    shared = [make_member() for _ in range(5)]
    for m in shared:
        _link(other, m)
        _link(newcomer, m)
        _link(hub, m)
    for _ in range(60):
        _link(hub, make_member())
    small = _queries(newcomer, other)
    large = _queries(hub, other)
    assert len(small) == len(large) == 3
    assert selectors.relationship(hub.pk, other.pk).mutual_count == 5
