"""Introductions through every path: rules, limits, privacy of declines, blocks, races."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from guanxi.core.errors import Invalid
from guanxi.network import selectors, services
from guanxi.network.introductions import errors
from guanxi.network.introductions import selectors as intro_selectors
from guanxi.network.introductions import services as intro
from guanxi.network.models import Connection, Follow, Introduction
from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX
from guanxi.notifications.models import Notification
from guanxi.notifications.selectors import as_items
from guanxi.places.selectors import place_id_for_text
from tests.concurrency import run_together
from tests.factories import make_member

pytestmark = [pytest.mark.django_db]


def link(*members):
    """Connect the first member with each of the others."""
    first, *others = members
    for other in others:
        services.connect_members(a=first, b=other)


@pytest.fixture
def trio(alice, bob, carol):
    """Alice is connected to Bob and Carol, who don't know each other."""
    link(alice, bob, carol)
    return alice, bob, carol


def introduce(introducer, a, b, note="You both care about community building."):
    return intro.introduction_create(introducer=introducer, a_id=a.pk, b_id=b.pk, note=note)


def kinds(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters).count()


# --- the happy path and its variants ---------------------------------------------------


def test_both_accept_connects_them_introduced_by_the_introducer(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    assert made.status == Introduction.Status.OPEN
    assert kinds("introduction_received", recipient=bob, actor=alice) == 1
    assert kinds("introduction_received", recipient=carol, actor=alice) == 1

    after_bob = intro.introduction_accept(user=bob, introduction_id=made.pk)
    assert after_bob.status == Introduction.Status.OPEN
    assert not selectors.are_connected(bob.pk, carol.pk)
    assert kinds("introduction_completed") == 0

    done = intro.introduction_accept(user=carol, introduction_id=made.pk)
    assert done.status == Introduction.Status.CONNECTED and done.resolved_at is not None
    low, high = selectors.pair(bob.pk, carol.pk)
    edge = Connection.objects.get(user_low_id=low, user_high_id=high)
    assert edge.introduced_by_id == alice.pk
    assert Follow.objects.filter(follower=bob, followee=carol).exists()
    assert Follow.objects.filter(follower=carol, followee=bob).exists()
    assert kinds("introduction_completed", recipient=bob, actor=carol) == 1
    assert kinds("introduction_completed", recipient=carol, actor=bob) == 1
    assert kinds("introduction_completed", recipient=alice) == 1
    assert kinds("introduction_completed") == 3


def test_accept_then_decline_is_not_now_for_everyone_but_the_decliner(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    closed = intro.introduction_decline(user=carol, introduction_id=made.pk)
    assert closed.status == Introduction.Status.NOT_NOW
    assert not selectors.are_connected(bob.pk, carol.pk)
    assert kinds("introduction_completed") == 0

    (bob_view,) = intro_selectors.as_received(intro_selectors.received_queryset(user=bob), user=bob)
    assert bob_view.status == intro_selectors.NOT_NOW and bob_view.my_answer == "accepted"
    assert not bob_view.other_accepted and not bob_view.can_answer
    (carol_view,) = intro_selectors.as_received(
        intro_selectors.received_queryset(user=carol), user=carol
    )
    assert carol_view.my_answer == "declined"
    (alice_view,) = intro_selectors.as_made(intro_selectors.made_queryset(user=alice), user=alice)
    assert alice_view.status == intro_selectors.NOT_NOW
    # The introducer can't tell who said no: both sides read "not now".
    assert [side.state for side in alice_view.sides] == [
        intro_selectors.NOT_NOW,
        intro_selectors.NOT_NOW,
    ]


def test_decline_first_closes_it_and_the_other_can_no_longer_accept(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_decline(user=bob, introduction_id=made.pk)
    with pytest.raises(errors.IntroductionClosed) as error:
        intro.introduction_accept(user=carol, introduction_id=made.pk)
    assert error.value.status == 409
    assert not selectors.are_connected(bob.pk, carol.pk)
    (carol_view,) = intro_selectors.as_received(
        intro_selectors.received_queryset(user=carol), user=carol
    )
    assert carol_view.status == intro_selectors.NOT_NOW and carol_view.my_answer == "pending"


def test_while_open_each_side_sees_the_others_yes_and_the_introducer_sees_per_side(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    (carol_view,) = intro_selectors.as_received(
        intro_selectors.received_queryset(user=carol), user=carol
    )
    assert carol_view.other_accepted and carol_view.awaiting_me
    (alice_view,) = intro_selectors.as_made(intro_selectors.made_queryset(user=alice), user=alice)
    states = {side.member.id: side.state for side in alice_view.sides}
    assert states == {bob.pk: intro_selectors.ACCEPTED, carol.pk: intro_selectors.WAITING}


def test_a_yes_can_become_not_now_while_open(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    changed = intro.introduction_decline(user=bob, introduction_id=made.pk)
    assert changed.status == Introduction.Status.NOT_NOW
    with pytest.raises(errors.IntroductionClosed):
        intro.introduction_accept(user=carol, introduction_id=made.pk)


# --- who may introduce whom -------------------------------------------------------------


@pytest.mark.parametrize("direction", ["b_blocks_c", "c_blocks_b"])
def test_a_block_either_way_is_refused_with_a_neutral_message(trio, direction):
    alice, bob, carol = trio
    blocker, blocked = (bob, carol) if direction == "b_blocks_c" else (carol, bob)
    services.block(blocker=blocker, blocked_id=blocked.pk)
    with pytest.raises(errors.CannotIntroduce) as error:
        introduce(alice, bob, carol)
    assert error.value.status == 409 and error.value.code == "cannot_introduce"
    assert "block" not in error.value.message.lower()
    assert error.value.message == str(errors.CannotIntroduce.default_message)
    assert not Introduction.objects.exists()
    assert not Notification.objects.filter(kind="introduction_received").exists()


def test_introducer_must_be_connected_to_both(alice, bob, carol):
    link(alice, bob)
    with pytest.raises(errors.NotYourConnections) as error:
        introduce(alice, bob, carol)
    assert error.value.status == 403
    with pytest.raises(errors.NotYourConnections):
        intro.introduction_create(introducer=alice, a_id=bob.pk, b_id=999_999, note="Hello")
    assert not Introduction.objects.exists()


def test_already_connected_is_a_conflict(trio):
    alice, bob, carol = trio
    services.connect_members(a=bob, b=carol)
    with pytest.raises(errors.AlreadyConnected) as error:
        introduce(alice, bob, carol)
    assert error.value.status == 409


def test_one_open_introduction_per_pair_whoever_makes_it(trio, dave):
    alice, bob, carol = trio
    link(dave, bob, carol)
    introduce(alice, bob, carol)
    for introducer, a, b in ((alice, bob, carol), (alice, carol, bob), (dave, carol, bob)):
        with pytest.raises(errors.AlreadyIntroduced) as error:
            introduce(introducer, a, b)
        assert error.value.status == 409
    assert Introduction.objects.count() == 1


def test_a_closed_introduction_does_not_block_a_new_one(trio):
    alice, bob, carol = trio
    first = introduce(alice, bob, carol)
    intro.introduction_decline(user=carol, introduction_id=first.pk)
    second = introduce(alice, bob, carol, note="Trying again after the conference.")
    assert second.pk != first.pk and second.status == Introduction.Status.OPEN


def test_the_database_allows_one_open_introduction_per_pair(trio):
    alice, bob, carol = trio
    low, high = selectors.pair(bob.pk, carol.pk)
    Introduction.objects.create(introducer=alice, member_low_id=low, member_high_id=high, note="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.create(member_low_id=low, member_high_id=high, note="y")
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.create(member_low_id=high, member_high_id=low, note="reversed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.create(
            introducer=bob, member_low_id=low, member_high_id=high, note="self", status="not_now"
        )


@pytest.mark.parametrize(
    ("a", "b", "note", "fragment"),
    [
        ("bob", "carol", "x" * (INTRODUCTION_NOTE_MAX + 1), "at most"),
        ("bob", "carol", "   ", "why they should meet"),
        ("bob", "bob", "Hello", "two different"),
        ("alice", "bob", "Hello", "not yourself"),
    ],
)
def test_bad_input_is_invalid_and_writes_nothing(trio, a, b, note, fragment):
    people = {member.username: member for member in trio}
    with pytest.raises(Invalid) as error:
        introduce(people["alice"], people[a], people[b], note=note)
    assert error.value.status == 422 and fragment in error.value.message
    assert not Introduction.objects.exists()


def test_note_at_the_limit_is_kept(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol, note="y" * INTRODUCTION_NOTE_MAX)
    assert len(made.note) == INTRODUCTION_NOTE_MAX


# --- limits --------------------------------------------------------------------------------


def test_a_member_is_introduced_at_most_n_times_a_week(settings, alice, bob):
    settings.GUANXI_INTRODUCTIONS_PER_WEEK = 2
    others = [make_member(f"partner{i}") for i in range(3)]
    link(alice, bob, *others)
    introduce(alice, bob, others[0])
    introduce(alice, others[1], bob)
    with pytest.raises(errors.TooManyIntroductions) as error:
        introduce(alice, bob, others[2])
    assert error.value.status == 429 and "Bob Li" in error.value.message
    assert Introduction.objects.count() == 2
    # Counted over a rolling week: once the first two are older, Bob can be introduced again.
    Introduction.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert introduce(alice, bob, others[2]).status == Introduction.Status.OPEN


def test_declined_introductions_still_count_towards_the_week(settings, alice, bob):
    settings.GUANXI_INTRODUCTIONS_PER_WEEK = 1
    first, second = make_member("first"), make_member("second")
    link(alice, bob, first, second)
    made = introduce(alice, bob, first)
    intro.introduction_decline(user=bob, introduction_id=made.pk)
    with pytest.raises(errors.TooManyIntroductions):
        introduce(alice, bob, second)


def test_an_introducer_makes_at_most_m_a_day(settings, alice):
    settings.GUANXI_INTRODUCTIONS_PER_DAY = 2
    people = [make_member(f"person{i}") for i in range(6)]
    link(alice, *people)
    introduce(alice, people[0], people[1])
    introduce(alice, people[2], people[3])
    with pytest.raises(errors.TooManyIntroductions) as error:
        introduce(alice, people[4], people[5])
    assert error.value.status == 429 and "today" in error.value.message
    Introduction.objects.update(created_at=timezone.now() - timedelta(hours=25))
    introduce(alice, people[4], people[5])


def test_the_default_limits(alice):
    from guanxi.network.introductions.limits import introductions_per_day, introductions_per_week

    assert introductions_per_week() == 3 and introductions_per_day() == 10


# --- answering -----------------------------------------------------------------------------


def test_answering_twice_is_idempotent(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    again = intro.introduction_accept(user=bob, introduction_id=made.pk)
    assert again.status == Introduction.Status.OPEN and again.answer_of(bob.pk) == "accepted"
    intro.introduction_accept(user=carol, introduction_id=made.pk)
    # Repeating a yes after completion changes nothing and notifies no one again.
    intro.introduction_accept(user=carol, introduction_id=made.pk)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    assert kinds("introduction_completed") == 3
    assert Connection.objects.filter(introduced_by=alice).count() == 1


def test_declining_twice_is_idempotent(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_decline(user=bob, introduction_id=made.pk)
    again = intro.introduction_decline(user=bob, introduction_id=made.pk)
    assert again.status == Introduction.Status.NOT_NOW


def test_a_different_answer_after_resolution_is_refused(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    intro.introduction_accept(user=carol, introduction_id=made.pk)
    with pytest.raises(errors.IntroductionClosed) as error:
        intro.introduction_decline(user=bob, introduction_id=made.pk)
    assert error.value.status == 409 and "closed" in error.value.message
    assert selectors.are_connected(bob.pk, carol.pk)


def test_only_the_two_may_answer(trio, dave):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    with pytest.raises(errors.IntroductionNotFound) as error:
        intro.introduction_accept(user=dave, introduction_id=made.pk)
    assert error.value.status == 404
    with pytest.raises(errors.IntroductionNotFound):
        intro.introduction_accept(user=bob, introduction_id=made.pk + 1000)
    # The introducer knows it exists but may not answer for them.
    with pytest.raises(errors.NotIntroduced) as forbidden:
        intro.introduction_accept(user=alice, introduction_id=made.pk)
    assert forbidden.value.status == 403
    made.refresh_from_db()
    assert made.answer_low == made.answer_high == "pending"


def test_connected_meanwhile_still_completes_once(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    services.connect_members(a=bob, b=carol)
    done = intro.introduction_accept(user=carol, introduction_id=made.pk)
    assert done.status == Introduction.Status.CONNECTED
    assert Connection.objects.filter(user_low_id=min(bob.pk, carol.pk)).count() == 1


# --- blocks ----------------------------------------------------------------------------------


def test_a_block_between_the_two_cancels_the_open_introduction_silently(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    services.block(blocker=carol, blocked_id=bob.pk)
    made.refresh_from_db()
    assert made.status == Introduction.Status.CANCELLED and made.resolved_at is not None
    # Hidden from the two once a block stands between them: as if it never existed.
    with pytest.raises(errors.IntroductionNotFound):
        intro.introduction_accept(user=carol, introduction_id=made.pk)
    assert not selectors.are_connected(bob.pk, carol.pk)
    # The introducer reads it like any "not now"; the two no longer see it at all.
    (alice_view,) = intro_selectors.as_made(intro_selectors.made_queryset(user=alice), user=alice)
    assert alice_view.status == intro_selectors.NOT_NOW
    assert [side.state for side in alice_view.sides] == [
        intro_selectors.NOT_NOW,
        intro_selectors.NOT_NOW,
    ]
    assert not intro_selectors.received_queryset(user=bob).exists()
    assert not intro_selectors.received_queryset(user=carol).exists()


def test_blocking_the_introducer_cancels_their_open_introductions_of_you(trio, dave):
    alice, bob, carol = trio
    link(alice, dave)
    mine = introduce(alice, bob, carol)
    other = introduce(alice, dave, carol)
    services.block(blocker=bob, blocked_id=alice.pk)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == Introduction.Status.CANCELLED
    assert other.status == Introduction.Status.OPEN


def test_received_list_hides_introductions_of_blocked_people_after_completion(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    intro.introduction_accept(user=carol, introduction_id=made.pk)
    assert intro_selectors.received_queryset(user=bob).count() == 1
    services.block(blocker=bob, blocked_id=carol.pk)
    assert not intro_selectors.received_queryset(user=bob).exists()
    assert not intro_selectors.received_queryset(user=carol).exists()


# --- reads and notifications ---------------------------------------------------------------


def test_received_shows_the_others_summary_and_shared_reasons(alice, bob, carol):
    from guanxi.accounts.models import Profile

    Profile.objects.filter(user__in=[bob, carol]).update(
        city="Hangzhou", city_key="hangzhou", place_id=place_id_for_text("Hangzhou")
    )
    link(alice, bob, carol)
    made = introduce(alice, bob, carol)
    (item,) = intro_selectors.as_received(intro_selectors.received_queryset(user=bob), user=bob)
    assert item.other.id == carol.pk and item.introducer.id == alice.pk
    assert item.introduction.note == made.note
    assert item.reasons == ["both in Hangzhou"]
    assert intro_selectors.pending_count(user=bob) == 1
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    assert (
        intro_selectors.pending_count(user=bob) == 0
        and intro_selectors.pending_count(user=carol) == 1
    )


def test_notification_texts_and_links(trio):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    (received,) = as_items(Notification.objects.filter(recipient=bob))
    assert received.text == "Alice Chen introduced you to Carol Wang."
    assert received.url.endswith(f"/network/introductions/#introduction-{made.pk}")
    intro.introduction_accept(user=bob, introduction_id=made.pk)
    intro.introduction_accept(user=carol, introduction_id=made.pk)
    (to_alice,) = as_items(Notification.objects.filter(recipient=alice))
    assert to_alice.text == "Bob Li and Carol Wang are now connected, thanks to your introduction."
    assert to_alice.url.endswith("/network/introductions/?show=made")
    (done_bob,) = as_items(
        Notification.objects.filter(recipient=bob, kind="introduction_completed")
    )
    assert "Carol Wang" in done_bob.text and done_bob.url == f"/@{carol.username}/"


# --- races (run on SQLite and PostgreSQL) ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_both_accepting_at_once_connects_once_and_notifies_once():
    alice, bob, carol = make_member("alice"), make_member("bob"), make_member("carol")
    link(alice, bob, carol)
    made = introduce(alice, bob, carol)

    def accept(user):
        return lambda: intro.introduction_accept(user=user, introduction_id=made.pk)

    results = run_together([accept(bob), accept(carol), accept(bob), accept(carol)])
    assert all(isinstance(r, Introduction) for r in results), results
    assert Connection.objects.filter(introduced_by=alice).count() == 1
    assert Notification.objects.filter(kind="introduction_completed").count() == 3
    for person in (alice, bob, carol):
        assert kinds("introduction_completed", recipient=person) == 1
    assert Introduction.objects.get().status == Introduction.Status.CONNECTED


@pytest.mark.django_db(transaction=True)
def test_two_introducers_of_the_same_pair_at_once_make_one_introduction():
    alice, dave = make_member("alice"), make_member("dave")
    bob, carol = make_member("bob"), make_member("carol")
    link(alice, bob, carol)
    link(dave, bob, carol)

    def make(introducer):
        return lambda: introduce(introducer, bob, carol)

    results = run_together([make(alice), make(dave), make(alice), make(dave)])
    assert sum(isinstance(r, Introduction) for r in results) == 1, results
    assert all(isinstance(r, (Introduction, errors.AlreadyIntroduced)) for r in results), results
    assert Introduction.objects.count() == 1
    assert Notification.objects.filter(kind="introduction_received").count() == 2
