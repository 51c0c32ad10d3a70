"""Introductions (double opt-in): a member introduces two of their connections, each of
the two accepts or declines, and only when both accept are they connected. A member may
also ask a shared connection to introduce them to someone (introduction_ask).

Writes (introduction_create, introduction_respond) lock the member rows involved in id
order, so the checks and the state change are serialised on PostgreSQL as they are on
SQLite; the one-open-introduction-per-pair constraint is the last word on races.
What each viewer may know of introductions is read in selectors.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import Invalid, NotFound, RateLimited
from guanxi.core.ratelimit import hit
from guanxi.network import selectors
from guanxi.network.introductions.access import access_introduction
from guanxi.network.introductions.errors import (
    AlreadyConnected,
    AlreadyIntroduced,
    CannotIntroduce,
    IntroductionClosed,
    NotYourConnections,
    TooManyIntroductions,
)
from guanxi.network.introductions.limits import introductions_per_day, introductions_per_week
from guanxi.network.introductions.notifications import ASKED
from guanxi.network.introductions.selectors import ask_options
from guanxi.network.models import Introduction
from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX
from guanxi.network.services import _lock_pair, connect_members
from guanxi.notifications.services import notify

__all__ = [
    "introduction_accept",
    "introduction_ask",
    "introduction_create",
    "introduction_decline",
    "introduction_respond",
]

Status = Introduction.Status
Answer = Introduction.Answer


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Say in a few words why they should meet."))
    if len(note) > INTRODUCTION_NOTE_MAX:
        raise Invalid(_("The note can be at most %(n)d characters.") % {"n": INTRODUCTION_NOTE_MAX})
    return note


def _lock_members(*user_ids: int) -> None:
    """Lock the rows of everyone involved, in id order like `_lock_pair`, so no deadlock."""
    list(User.objects.select_for_update().filter(pk__in=set(user_ids)).order_by("pk"))


def _introduced_since(user_id: int, since) -> int:
    return Introduction.objects.filter(
        Q(member_low_id=user_id) | Q(member_high_id=user_id), created_at__gte=since
    ).count()


def introduction_create(*, introducer: User, a_id: int, b_id: int, note: str) -> Introduction:
    """Introduce two of the introducer's connections; both are notified."""
    note = _clean_note(note)
    if a_id == b_id:
        raise Invalid(_("Choose two different people."))
    if introducer.pk in (a_id, b_id):
        raise Invalid(_("Choose two of your connections, not yourself."))
    try:
        with transaction.atomic():
            return _create(introducer, *selectors.pair(a_id, b_id), note)
    except IntegrityError:
        # A concurrent introduction of the same pair took the open slot first.
        raise AlreadyIntroduced from None


def _create(introducer: User, low: int, high: int, note: str) -> Introduction:
    _lock_members(introducer.pk, low, high)
    mine = selectors.connection_ids(introducer.pk)
    if low not in mine or high not in mine:
        raise NotYourConnections
    members = {
        user.pk: user for user in User.objects.filter(pk__in=(low, high)).select_related("profile")
    }
    if len(members) < 2 or not all(user.is_active for user in members.values()):
        raise CannotIntroduce
    if selectors.is_blocked_either_way(low, high):
        raise CannotIntroduce
    if selectors.are_connected(low, high):
        raise AlreadyConnected
    if Introduction.objects.filter(
        member_low_id=low, member_high_id=high, status=Status.OPEN
    ).exists():
        raise AlreadyIntroduced
    now = timezone.now()
    if (
        Introduction.objects.filter(
            introducer=introducer, created_at__gte=now - timedelta(days=1)
        ).count()
        >= introductions_per_day()
    ):
        raise TooManyIntroductions(
            _("You have made many introductions today; please try again tomorrow.")
        )
    week_ago = now - timedelta(days=7)
    for user in (members[low], members[high]):
        if _introduced_since(user.pk, week_ago) >= introductions_per_week():
            raise TooManyIntroductions(
                _("%(name)s has had several introductions this week; try again in a few days.")
                % {"name": user.profile.display_name}
            )
    introduction = Introduction.objects.create(
        introducer=introducer, member_low_id=low, member_high_id=high, note=note
    )
    for recipient, other in ((members[low], members[high]), (members[high], members[low])):
        notify(
            recipient=recipient,
            kind="introduction_received",
            actor=introducer,
            data={"introduction_id": introduction.pk, "other_name": other.profile.display_name},
        )
    return introduction


def introduction_respond(*, user: User, introduction_id: int, accept: bool) -> Introduction:
    """Record one side's answer. Repeating the same answer changes nothing; answering a
    closed introduction is refused. When both have accepted, the two are connected."""
    with transaction.atomic():
        found = access_introduction(user, introduction_id, "answer")
        _lock_pair(found.member_low_id, found.member_high_id)
        introduction = (
            Introduction.objects.select_for_update(of=("self",))
            .select_related("introducer__profile", "member_low__profile", "member_high__profile")
            .get(pk=introduction_id)
        )
        field_name = f"answer_{introduction.side_of(user.pk)}"
        wanted = Answer.ACCEPTED if accept else Answer.DECLINED
        if getattr(introduction, field_name) == wanted:
            return introduction  # the same answer again: nothing to do
        if not introduction.is_open:
            raise IntroductionClosed
        setattr(introduction, field_name, wanted)
        if not accept:
            introduction.status = Status.NOT_NOW
            introduction.resolved_at = timezone.now()
        elif introduction.answer_low == introduction.answer_high == Answer.ACCEPTED:
            introduction.status = Status.CONNECTED
            introduction.resolved_at = timezone.now()
        introduction.save(update_fields=[field_name, "status", "resolved_at"])
        if introduction.status == Status.CONNECTED:
            _complete(introduction)
        return introduction


def introduction_accept(*, user: User, introduction_id: int) -> Introduction:
    return introduction_respond(user=user, introduction_id=introduction_id, accept=True)


def introduction_decline(*, user: User, introduction_id: int) -> Introduction:
    return introduction_respond(user=user, introduction_id=introduction_id, accept=False)


def _complete(introduction: Introduction) -> None:
    low, high = introduction.member_low, introduction.member_high
    introducer = introduction.introducer
    connect_members(a=low, b=high, introduced_by=introducer)
    introducer_name = introducer.profile.display_name if introducer else ""
    for recipient, other in ((low, high), (high, low)):
        notify(
            recipient=recipient,
            kind="introduction_completed",
            actor=other,
            data={"introduction_id": introduction.pk, "introducer_name": introducer_name},
        )
    if introducer is not None:
        notify(
            recipient=introducer,
            kind="introduction_completed",
            actor=low,
            data={
                "introduction_id": introduction.pk,
                "role": "introducer",
                "other_name": high.profile.display_name,
            },
        )


def cancel_on_block(*, blocker_id: int, blocked_id: int, **kwargs) -> None:
    """Receiver of network.signals.blocking: close open introductions between the two, and those one made of the
    other. They read as "not now" to everyone, like a decline, so the block stays silent."""
    low, high = selectors.pair(blocker_id, blocked_id)

    def involves(member_id: int) -> Q:
        return Q(member_low_id=member_id) | Q(member_high_id=member_id)

    Introduction.objects.filter(status=Status.OPEN).filter(
        Q(member_low_id=low, member_high_id=high)
        | (Q(introducer_id=blocker_id) & involves(blocked_id))
        | (Q(introducer_id=blocked_id) & involves(blocker_id))
    ).update(status=Status.CANCELLED, resolved_at=timezone.now())


@transaction.atomic
def introduction_ask(*, requester: User, target_id: int, via_id: int, note: str = "") -> None:
    """Ask connection `via_id` to introduce `requester` to `target_id`: a notification to
    `via_id` leading to the introduce form already filled in."""
    note = (note or "").strip()
    if len(note) > INTRODUCTION_NOTE_MAX:
        raise Invalid(_("The note can be at most %(n)d characters.") % {"n": INTRODUCTION_NOTE_MAX})
    options = ask_options(requester=requester, target_id=target_id)
    via = next((m for m in options.mutuals if m.pk == via_id), None)
    if via is None:
        raise NotFound(_("You can only ask a connection you share with this member."))
    if not hit(
        f"introduction-ask:{requester.pk}",
        limit=settings.GUANXI_INTRODUCTION_ASKS_PER_DAY,
        period=86400,
    ):
        raise RateLimited(
            _("You have asked for many introductions today; please try again tomorrow.")
        )
    notify(
        recipient=via,
        kind=ASKED,
        actor=requester,
        data={
            "target_id": options.target.id,
            "target_name": options.target.display_name,
            "note": note,
        },
    )


def register_introduction_kinds() -> None:
    """Called from NetworkConfig.ready(): notification kinds and the block receiver."""
    from guanxi.network import signals
    from guanxi.network.introductions.notifications import register_kinds

    register_kinds()
    signals.blocking.connect(cancel_on_block, dispatch_uid="introductions.cancel_on_block")
