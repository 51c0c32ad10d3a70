"""Rules and invariants of the member graph."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, transaction

from guanxi.core.errors import Conflict, Invalid, NotAllowed, NotFound, RateLimited
from guanxi.network import selectors, services
from guanxi.network.models import Block, Connection, ConnectionRequest, Follow, PrivacySettings
from guanxi.notifications.models import Notification
from tests.concurrency import run_together
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def connect(a, b):
    outcome = services.connection_request_send(sender=a, recipient_id=b.pk)
    return services.connection_request_accept(user=b, request_id=outcome.request.pk)


def test_request_then_accept_connects_and_both_follow(alice, bob):
    outcome = services.connection_request_send(
        sender=alice, recipient_id=bob.pk, note="Met at the expo"
    )
    assert outcome.request.note == "Met at the expo"
    assert Notification.objects.filter(recipient=bob, kind="connection_request").count() == 1
    services.connection_request_accept(user=bob, request_id=outcome.request.pk)
    assert selectors.are_connected(alice.pk, bob.pk) and selectors.are_connected(bob.pk, alice.pk)
    assert selectors.is_following(alice.pk, bob.pk) and selectors.is_following(bob.pk, alice.pk)
    assert not ConnectionRequest.objects.exists()
    assert Notification.objects.filter(
        recipient=alice, kind="connection_accepted", actor=bob
    ).exists()


def test_only_the_recipient_may_accept(alice, bob, carol):
    request = services.connection_request_send(sender=alice, recipient_id=bob.pk).request
    with pytest.raises(NotAllowed):  # the sender sees it, but does not answer it
        services.connection_request_accept(user=alice, request_id=request.pk)
    with pytest.raises(NotFound):
        services.connection_request_accept(user=carol, request_id=request.pk)
    assert not Connection.objects.exists()


def test_crossing_request_becomes_acceptance(alice, bob):
    services.connection_request_send(sender=alice, recipient_id=bob.pk)
    outcome = services.connection_request_send(sender=bob, recipient_id=alice.pk)
    assert outcome.connection is not None and outcome.request is None
    assert Connection.objects.count() == 1 and not ConnectionRequest.objects.exists()


def test_duplicate_request_and_already_connected_conflict(alice, bob):
    services.connection_request_send(sender=alice, recipient_id=bob.pk)
    with pytest.raises(Conflict):
        services.connection_request_send(sender=alice, recipient_id=bob.pk)
    request = ConnectionRequest.objects.get()
    services.connection_request_accept(user=bob, request_id=request.pk)
    with pytest.raises(Conflict):
        services.connection_request_send(sender=bob, recipient_id=alice.pk)


def test_note_length_and_self_request_refused(alice, bob):
    with pytest.raises(Invalid):
        services.connection_request_send(sender=alice, recipient_id=bob.pk, note="x" * 301)
    with pytest.raises(Invalid):
        services.connection_request_send(sender=alice, recipient_id=alice.pk)
    assert not ConnectionRequest.objects.exists()


def test_ignore_hides_from_recipient_but_sender_still_sees_pending(alice, bob):
    request = services.connection_request_send(sender=alice, recipient_id=bob.pk).request
    services.connection_request_ignore(user=bob, request_id=request.pk)
    rel = selectors.relationship(alice.pk, bob.pk)
    assert rel.request_sent
    assert not selectors.relationship(bob.pk, alice.pk).request_received
    with pytest.raises(Conflict):
        services.connection_request_send(sender=alice, recipient_id=bob.pk)


def test_withdraw_by_sender_only(alice, bob):
    request = services.connection_request_send(sender=alice, recipient_id=bob.pk).request
    with pytest.raises(NotAllowed):
        services.connection_request_withdraw(user=bob, request_id=request.pk)
    services.connection_request_withdraw(user=alice, request_id=request.pk)
    assert not ConnectionRequest.objects.exists()


def test_either_side_removes_connection(alice, bob):
    connect(alice, bob)
    services.connection_remove(user=bob, other_id=alice.pk)
    assert not selectors.are_connected(alice.pk, bob.pk)
    assert not Follow.objects.exists()
    with pytest.raises(NotFound):
        services.connection_remove(user=alice, other_id=bob.pk)


def test_follow_is_one_way_and_idempotent(alice, bob):
    assert services.follow(follower=alice, followee_id=bob.pk) is True
    assert services.follow(follower=alice, followee_id=bob.pk) is False
    assert selectors.is_following(alice.pk, bob.pk) and not selectors.is_following(bob.pk, alice.pk)
    assert services.unfollow(follower=alice, followee_id=bob.pk) is True
    with pytest.raises(Invalid):
        services.follow(follower=alice, followee_id=alice.pk)


def test_block_removes_every_tie_and_prevents_new_ones(alice, bob, carol):
    connect(alice, bob)
    services.follow(follower=bob, followee_id=alice.pk)
    services.connection_request_send(sender=carol, recipient_id=alice.pk)
    notes_before = Notification.objects.filter(recipient=bob).count()
    services.block(blocker=alice, blocked_id=bob.pk)
    assert not selectors.are_connected(alice.pk, bob.pk)
    assert not Follow.objects.filter(follower__in=[alice, bob], followee__in=[alice, bob]).exists()
    # Silent: the blocked member sees a missing member, not a block.
    with pytest.raises(NotFound):
        services.connection_request_send(sender=bob, recipient_id=alice.pk)
    with pytest.raises(NotFound):
        services.follow(follower=bob, followee_id=alice.pk)
    with pytest.raises(NotFound):
        services.connection_request_send(sender=alice, recipient_id=bob.pk)
    assert Notification.objects.filter(recipient=bob).count() == notes_before
    # Carol's pending request to alice is untouched.
    assert ConnectionRequest.objects.filter(sender=carol).exists()
    services.unblock(blocker=alice, blocked_id=bob.pk)
    services.connection_request_send(sender=bob, recipient_id=alice.pk)


def test_block_removes_pending_request(alice, bob):
    services.connection_request_send(sender=bob, recipient_id=alice.pk)
    services.block(blocker=alice, blocked_id=bob.pk)
    assert not ConnectionRequest.objects.exists()


def test_privacy_nobody_and_second_degree(alice, bob, carol):
    services.privacy_update(user=alice, requests_from="nobody", connections_visible_to="members")
    with pytest.raises(NotAllowed):
        services.connection_request_send(sender=bob, recipient_id=alice.pk)
    services.privacy_update(user=alice, requests_from="second", connections_visible_to="members")
    with pytest.raises(NotAllowed):
        services.connection_request_send(sender=bob, recipient_id=alice.pk)
    connect(alice, carol)
    connect(carol, bob)
    assert services.connection_request_send(sender=bob, recipient_id=alice.pk).request is not None
    with pytest.raises(Invalid):
        services.privacy_update(
            user=alice, requests_from="martians", connections_visible_to="members"
        )
    assert PrivacySettings.objects.get(user=alice).requests_from == "second"


def test_inactive_member_not_found(alice, bob):
    bob.is_active = False
    bob.save()
    with pytest.raises(NotFound):
        services.connection_request_send(sender=alice, recipient_id=bob.pk)


def test_daily_request_limit(alice, settings):
    settings.GUANXI_CONNECTION_REQUESTS_PER_DAY = 3
    others = [make_member(f"target{i}") for i in range(4)]
    for other in others[:3]:
        services.connection_request_send(sender=alice, recipient_id=other.pk)
    with pytest.raises(RateLimited):
        services.connection_request_send(sender=alice, recipient_id=others[3].pk)
    assert ConnectionRequest.objects.count() == 3


def test_database_refuses_bad_rows(alice, bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(user_low=bob, user_high=alice)  # wrong order
    Connection.objects.create(user_low=alice, user_high=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(user_low=alice, user_high=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConnectionRequest.objects.create(
            sender=alice, recipient=alice, pair_low=alice, pair_high=alice
        )
    ConnectionRequest.objects.create(sender=alice, recipient=bob, pair_low=alice, pair_high=bob)
    with pytest.raises(IntegrityError), transaction.atomic():  # the reverse direction
        ConnectionRequest.objects.create(sender=bob, recipient=alice, pair_low=alice, pair_high=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=alice, followee=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(blocker=bob, blocked=bob)


def test_degrees_and_mutuals(alice, bob, carol, dave, eve):
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)
    assert selectors.degree(alice.pk, bob.pk) == 1
    assert selectors.degree(alice.pk, carol.pk) == 2
    assert selectors.degree(alice.pk, dave.pk) == 3
    assert selectors.degree(alice.pk, eve.pk) is None
    rel = selectors.relationship(alice.pk, carol.pk)
    assert rel.mutual_count == 1 and [u.pk for u in rel.mutual_sample] == [bob.pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_yield_one_connection():
    alice, bob = make_member("alice"), make_member("bob")
    request = services.connection_request_send(sender=alice, recipient_id=bob.pk).request
    results = run_together(
        [lambda: services.connection_request_accept(user=bob, request_id=request.pk)] * 4
    )
    assert Connection.objects.count() == 1
    assert sum(isinstance(r, Connection) for r in results) == 1
    assert all(isinstance(r, (Connection, NotFound)) for r in results), results
    assert Notification.objects.filter(kind="connection_accepted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_crossing_requests_connect_once():
    alice, bob = make_member("alice"), make_member("bob")
    senders = iter([(alice, bob), (bob, alice)] * 2)
    lock = threading.Lock()

    def send():
        with lock:
            sender, recipient = next(senders)
        return services.connection_request_send(sender=sender, recipient_id=recipient.pk)

    results = run_together([send] * 4)
    assert not [r for r in results if not isinstance(r, (Conflict, services.RequestOutcome))], (
        results
    )
    # Whatever the interleaving: at most one open request, never two, and no duplicates.
    assert Connection.objects.count() + ConnectionRequest.objects.count() == 1


def test_degree_matches_a_breadth_first_search_on_a_random_graph():
    import random
    from collections import deque

    members = [make_member(f"node{i}") for i in range(30)]
    rng = random.Random(7)
    edges = set()
    while len(edges) < 40:
        a, b = rng.sample(range(30), 2)
        edges.add((min(a, b), max(a, b)))
    for a, b in edges:
        low, high = sorted((members[a].pk, members[b].pk))
        Connection.objects.create(user_low_id=low, user_high_id=high)
    adjacency = {i: set() for i in range(30)}
    for a, b in edges:
        adjacency[a].add(b)
        adjacency[b].add(a)

    def bfs(start):
        dist, queue = {start: 0}, deque([start])
        while queue:
            node = queue.popleft()
            for nxt in adjacency[node]:
                if nxt not in dist:
                    dist[nxt] = dist[node] + 1
                    queue.append(nxt)
        return dist

    for i in range(30):
        dist = bfs(i)
        for j in range(30):
            expected = dist.get(j) if i != j and dist.get(j, 9) <= 3 else None
            assert selectors.degree(members[i].pk, members[j].pk) == expected, (i, j)
            assert selectors.relationship(members[i].pk, members[j].pk).degree == (
                expected if i != j else None
            ), (i, j)
