"""Introductions (double opt-in): a member introduces two of their connections, each of
the two accepts or declines, and only when both accept are they connected.

Writes (introduction_create, introduction_respond) lock the member rows involved in id
order, so the checks and the state change are serialised on PostgreSQL as they are on
SQLite; the one-open-introduction-per-pair constraint is the last word on races.
Reads build what each viewer may know: a decline is only ever "not now" to others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.network import selectors
from guanxi.network.affinity import affinity, load_traits, reasons
from guanxi.network.errors import Conflict, Invalid, NotAllowed, NotFound, RateLimited
from guanxi.network.introductions.ideas import IntroductionIdea, introduction_ideas, suggested_note
from guanxi.network.introductions.limits import introductions_per_day, introductions_per_week
from guanxi.network.models import Introduction
from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX
from guanxi.network.services import _lock_pair, connect_members
from guanxi.notifications.services import notify

__all__ = [
    "INTRODUCTION_NOTE_MAX",
    "IntroductionIdea",
    "introduction_accept",
    "introduction_create",
    "introduction_decline",
    "introduction_ideas",
    "introduction_respond",
    "suggested_note",
]

Status = Introduction.Status
Answer = Introduction.Answer
CLOSED = (Status.NOT_NOW, Status.CANCELLED)


# Distinct codes for API clients; statuses come from the network's error classes.
class IntroductionNotFound(NotFound):
    code = "not_found"
    default_message = gettext_lazy("This introduction does not exist.")


class NotYourConnections(NotAllowed):
    code = "not_connected"
    default_message = gettext_lazy("You can only introduce two of your own connections.")


class CannotIntroduce(Conflict):
    """Neutral on purpose: a block between the two must not be revealed to the introducer."""

    code = "cannot_introduce"
    default_message = gettext_lazy("You can't introduce these two.")


class AlreadyConnected(Conflict):
    code = "already_connected"
    default_message = gettext_lazy("These two are already connected.")


class AlreadyIntroduced(Conflict):
    code = "introduction_open"
    default_message = gettext_lazy(
        "These two already have an introduction waiting for their answers."
    )


class IntroductionClosed(Conflict):
    code = "introduction_closed"
    default_message = gettext_lazy("This introduction is closed; it can no longer be answered.")


class TooManyIntroductions(RateLimited):
    """The weekly limit of a member introduced, or the daily limit of an introducer."""


# --- writes -----------------------------------------------------------------------------


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
        row = (
            Introduction.objects.filter(pk=introduction_id)
            .values_list("member_low_id", "member_high_id", "introducer_id")
            .first()
        )
        if row is None or user.pk not in row[:2]:
            if row is not None and row[2] == user.pk:
                raise NotAllowed(_("Only the two people you introduced can answer."))
            raise IntroductionNotFound
        _lock_pair(row[0], row[1])
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


def register_introduction_kinds() -> None:
    """Called from NetworkConfig.ready(): notification kinds and the block receiver."""
    from guanxi.network import signals
    from guanxi.network.introductions.notifications import register_kinds

    register_kinds()
    signals.blocking.connect(cancel_on_block, dispatch_uid="introductions.cancel_on_block")


# --- reads ------------------------------------------------------------------------------

# What a viewer is told about each side; "not_now" covers declines and blocks alike.
WAITING, ACCEPTED, NOT_NOW, CONNECTED = "waiting", "accepted", "not_now", "connected"


def _side_state(introduction: Introduction, answer: str) -> str:
    if introduction.status == Status.CONNECTED:
        return CONNECTED
    if introduction.status in CLOSED:
        return NOT_NOW
    return ACCEPTED if answer == Answer.ACCEPTED else WAITING


def public_status(introduction: Introduction) -> str:
    """The status anyone but the decliner sees: waiting / connected / not_now."""
    if introduction.status == Status.CONNECTED:
        return CONNECTED
    if introduction.status in CLOSED:
        return NOT_NOW
    return WAITING


@dataclass
class ReceivedIntroduction:
    """An introduction as one of the two introduced members sees it."""

    introduction: Introduction
    other: User
    introducer: User | None
    status: str  # waiting / connected / not_now
    my_answer: str  # pending / accepted / declined (the viewer's own)
    other_accepted: bool  # only while open: the other already said yes
    reasons: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.introduction.pk

    @property
    def can_answer(self) -> bool:
        return self.status == WAITING

    @property
    def awaiting_me(self) -> bool:
        return self.status == WAITING and self.my_answer == Answer.PENDING


@dataclass
class MadeSide:
    member: User
    state: str  # waiting / accepted / not_now / connected


@dataclass
class MadeIntroduction:
    """An introduction as its introducer sees it: a state per side, never a decline."""

    introduction: Introduction
    sides: list[MadeSide]
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.introduction.pk


def _visible(queryset: QuerySet[Introduction], viewer_id: int) -> QuerySet[Introduction]:
    hidden = selectors.blocked_either_way_ids(viewer_id)
    queryset = queryset.filter(member_low__is_active=True, member_high__is_active=True)
    if hidden:
        queryset = queryset.exclude(
            Q(member_low_id__in=hidden) | Q(member_high_id__in=hidden) | Q(introducer_id__in=hidden)
        )
    return queryset


_OPEN_FIRST = Case(
    When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def received_queryset(*, user: User) -> QuerySet[Introduction]:
    """Introductions of `user` to someone, open ones first, then the most recent."""
    rows = Introduction.objects.filter(Q(member_low=user) | Q(member_high=user))
    return (
        _visible(rows, user.pk)
        .select_related("introducer__profile", "member_low__profile", "member_high__profile")
        .order_by(_OPEN_FIRST, "-created_at", "-id")
    )


def made_queryset(*, user: User) -> QuerySet[Introduction]:
    return (
        _visible(Introduction.objects.filter(introducer=user), user.pk)
        .select_related("member_low__profile", "member_high__profile")
        .order_by(_OPEN_FIRST, "-created_at", "-id")
    )


def _pair_reasons(introductions) -> dict[int, list[str]]:
    """Shared-trait reasons for each introduction's two members (three queries in all)."""
    introductions = list(introductions)
    ids = {i.member_low_id for i in introductions} | {i.member_high_id for i in introductions}
    traits = load_traits(ids) if ids else {}
    out = {}
    for intro in introductions:
        a, b = traits.get(intro.member_low_id), traits.get(intro.member_high_id)
        out[intro.pk] = reasons(affinity(a, b), limit=3) if a and b else []
    return out


def as_received(introductions, *, user: User) -> list[ReceivedIntroduction]:
    introductions = list(introductions)
    found = _pair_reasons(introductions)
    items = []
    for intro in introductions:
        side = intro.side_of(user.pk)
        other_side = "high" if side == "low" else "low"
        status = public_status(intro)
        items.append(
            ReceivedIntroduction(
                introduction=intro,
                other=getattr(intro, f"member_{other_side}"),
                introducer=intro.introducer,
                status=status,
                my_answer=getattr(intro, f"answer_{side}"),
                other_accepted=status == WAITING
                and getattr(intro, f"answer_{other_side}") == Answer.ACCEPTED,
                reasons=found[intro.pk],
            )
        )
    return items


def as_made(introductions) -> list[MadeIntroduction]:
    introductions = list(introductions)
    found = _pair_reasons(introductions)
    return [
        MadeIntroduction(
            introduction=intro,
            sides=[
                MadeSide(intro.member_low, _side_state(intro, intro.answer_low)),
                MadeSide(intro.member_high, _side_state(intro, intro.answer_high)),
            ],
            status=public_status(intro),
            reasons=found[intro.pk],
        )
        for intro in introductions
    ]


def pending_count(*, user: User) -> int:
    """Introductions waiting for `user`'s answer (for a badge or a heading)."""
    return _visible(
        Introduction.objects.filter(
            Q(member_low=user, answer_low=Answer.PENDING)
            | Q(member_high=user, answer_high=Answer.PENDING),
            status=Status.OPEN,
        ),
        user.pk,
    ).count()


def connections_for_picker(*, user: User, q: str = "", include=(), limit: int = 200):
    """The member's connections to choose from, by name; `include` ids are always kept
    (the prefilled pair) so a search never drops a choice already made."""
    people = selectors.connections_queryset(user.pk).filter(is_active=True)
    if q:
        people = people.filter(profile__name_key__contains=" ".join(q.split()).casefold())
    chosen = [pk for pk in include if pk]
    rows = list(people.select_related("profile").order_by("profile__name_key", "pk")[:limit])
    missing = [pk for pk in chosen if pk not in {u.pk for u in rows}]
    if missing:
        extra = selectors.connections_queryset(user.pk).filter(pk__in=missing, is_active=True)
        rows = list(extra.select_related("profile")) + rows
    return rows
