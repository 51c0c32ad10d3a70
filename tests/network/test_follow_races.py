"""Follow and unfollow landing at once: a follow that collides with a concurrent follow
answers "already following" even when an unfollow removes that row before it could be
read again (get_or_create's collision, re-read, DoesNotExist: a 500).

The interleaving is forced: while the follow's INSERT runs, another connection commits a
follow first and an unfollow right after the collision. Only PostgreSQL lets writers
interleave like this; SQLite's immediate transactions queue every writer behind the
follow's own, so there the other connection could not write until it ended."""

from __future__ import annotations

import pytest
from django.db import connection

from guanxi.network import selectors, services
from guanxi.network.models import Follow
from tests.concurrency import on_other_connection, outcome
from tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no interleaving"
)
def test_follow_colliding_with_a_follow_then_an_unfollow_answers_already_following():
    alice, bob = make_member("alice"), make_member("bob")
    seen: list[str] = []

    def interleave(execute, sql, params, many, context):
        if not sql.startswith('INSERT INTO "network_follow"') or seen:
            return execute(sql, params, many, context)
        seen.append(sql)
        outcome(on_other_connection(lambda: services.follow(follower=alice, followee_id=bob.pk)))
        try:
            return execute(sql, params, many, context)
        finally:
            outcome(
                on_other_connection(lambda: services.unfollow(follower=alice, followee_id=bob.pk))
            )

    with connection.execute_wrapper(interleave):
        created = services.follow(follower=alice, followee_id=bob.pk)

    assert seen, "the follow never inserted"
    assert created is False
    assert not selectors.is_following(alice.pk, bob.pk)
    assert Follow.objects.filter(follower=alice, followee=bob).count() == 0
    # And a follow after all that still lands, once.
    assert services.follow(follower=alice, followee_id=bob.pk) is True
    assert services.follow(follower=alice, followee_id=bob.pk) is False
    assert Follow.objects.filter(follower=alice, followee=bob).count() == 1


def test_follow_twice_then_unfollow():
    alice, bob = make_member("alice"), make_member("bob")
    assert services.follow(follower=alice, followee_id=bob.pk) is True
    assert services.follow(follower=alice, followee_id=bob.pk) is False
    assert services.unfollow(follower=alice, followee_id=bob.pk) is True
    assert services.unfollow(follower=alice, followee_id=bob.pk) is False
    assert not selectors.is_following(alice.pk, bob.pk)
