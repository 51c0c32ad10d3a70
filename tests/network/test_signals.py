"""The network's cross-app events are sent once their transaction commits: once for a
committed change, never for a rolled-back one."""

from __future__ import annotations

import pytest
from django.db import transaction

from guanxi.network import services, signals
from guanxi.network.errors import Invalid
from guanxi.network.models import Block, Connection, Introduction

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def heard():
    """heard(signal) -> the list of keyword arguments each send carried."""
    connected = []

    def listen(signal):
        calls: list[dict] = []

        def receiver(sender, **kwargs):
            kwargs.pop("signal")
            calls.append({"sender": sender, **kwargs})

        signal.connect(receiver, weak=False)
        connected.append((signal, receiver))
        return calls

    yield listen
    for signal, receiver in connected:
        signal.disconnect(receiver)


def test_a_committed_connection_sends_graph_changed_once(
    alice, bob, connect, heard, django_capture_on_commit_callbacks
):
    calls = heard(signals.graph_changed)
    with django_capture_on_commit_callbacks(execute=True):
        connect(alice, bob)
    low, high = sorted((alice.pk, bob.pk))
    assert calls == [{"sender": Connection, "a_id": low, "b_id": high}]


def test_a_rolled_back_connection_sends_nothing(
    alice, bob, connect, heard, django_capture_on_commit_callbacks
):
    calls = heard(signals.graph_changed)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        connect(alice, bob)
        raise Rollback
    assert calls == [] and callbacks == []
    assert not Connection.objects.exists()


def test_nothing_is_sent_before_commit(alice, bob, connect, heard):
    calls = heard(signals.graph_changed)
    connect(alice, bob)  # the test's transaction never commits
    assert calls == []


def test_removing_a_connection_sends_graph_changed(
    alice, bob, connect, heard, django_capture_on_commit_callbacks
):
    connect(alice, bob)
    calls = heard(signals.graph_changed)
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(user=alice, other_id=bob.pk)
    assert len(calls) == 1


def test_a_committed_block_sends_member_blocked_once(
    alice, bob, heard, django_capture_on_commit_callbacks
):
    blocked = heard(signals.member_blocked)
    with django_capture_on_commit_callbacks(execute=True):
        services.block(blocker=alice, blocked_id=bob.pk)
    assert blocked == [{"sender": Block, "blocker_id": alice.pk, "blocked_id": bob.pk}]


def test_a_rolled_back_block_sends_nothing(alice, bob, heard, django_capture_on_commit_callbacks):
    blocked = heard(signals.member_blocked)
    graph = heard(signals.graph_changed)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        services.block(blocker=alice, blocked_id=bob.pk)
        raise Rollback
    assert blocked == [] and graph == []
    assert not Block.objects.exists()


def test_a_refused_block_sends_nothing(alice, heard, django_capture_on_commit_callbacks):
    blocked = heard(signals.member_blocked)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Invalid):
        services.block(blocker=alice, blocked_id=alice.pk)
    assert blocked == []


def test_a_block_ends_open_introductions_inside_its_transaction(alice, bob, carol, connect):
    """The in-app receivers of `blocking` run before the block commits, atomically."""
    from guanxi.network.introductions import services as intro

    connect(alice, bob)
    connect(alice, carol)
    introduction = intro.introduction_create(
        introducer=alice, a_id=bob.pk, b_id=carol.pk, note="You should meet."
    )
    with pytest.raises(Rollback), transaction.atomic():
        services.block(blocker=bob, blocked_id=carol.pk)
        assert Introduction.objects.get(pk=introduction.pk).status == Introduction.Status.CANCELLED
        raise Rollback
    assert Introduction.objects.get(pk=introduction.pk).status == Introduction.Status.OPEN
