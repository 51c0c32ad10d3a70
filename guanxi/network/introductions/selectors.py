"""Introductions as each viewer may know them, and what the introduce and ask forms offer.

A decline is only ever "not now" to others; reasons are counted from what each profile
shows to every member at the time of the request (accounts' EVERY_MEMBER audience).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.models import User
from guanxi.accounts.selectors import MemberCard, member_cards
from guanxi.core.errors import Conflict
from guanxi.network import selectors
from guanxi.network.affinity import affinity, load_traits, reasons
from guanxi.network.introductions.access import visible
from guanxi.network.introductions.ideas import IntroductionIdea, introduction_ideas, suggested_note
from guanxi.network.models import Introduction

__all__ = [
    "ACCEPTED",
    "CONNECTED",
    "NOT_NOW",
    "WAITING",
    "AskOptions",
    "IntroductionIdea",
    "MadeIntroduction",
    "MadeSide",
    "ReceivedIntroduction",
    "as_made",
    "as_received",
    "ask_options",
    "connections_for_picker",
    "introduction_ideas",
    "made_queryset",
    "pending_count",
    "prefilled_note",
    "public_status",
    "received_queryset",
    "suggested_note",
]

Status = Introduction.Status
Answer = Introduction.Answer
CLOSED = (Status.NOT_NOW, Status.CANCELLED)
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
    other: MemberCard
    introducer: MemberCard | None  # None once the introducer has left
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
    member: MemberCard
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


_OPEN_FIRST = Case(
    When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def received_queryset(*, user: User) -> QuerySet[Introduction]:
    """Introductions of `user` to someone, open ones first, then the most recent."""
    rows = Introduction.objects.filter(Q(member_low=user) | Q(member_high=user))
    return visible(rows, user.pk).order_by(_OPEN_FIRST, "-created_at", "-id")


def made_queryset(*, user: User) -> QuerySet[Introduction]:
    return visible(Introduction.objects.filter(introducer=user), user.pk).order_by(
        _OPEN_FIRST, "-created_at", "-id"
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


def prefilled_note(*, a_id: int | None, b_id: int | None) -> str:
    """The note an idea suggests for this pair (the introduce form's first value); the
    caller passes only ids among the member's connections."""
    if not a_id or not b_id or a_id == b_id:
        return ""
    traits = load_traits([a_id, b_id])
    if a_id not in traits or b_id not in traits:
        return ""
    return suggested_note(reasons(affinity(traits[a_id], traits[b_id]), limit=3))


def _cards(viewer: User, ids) -> dict[int, MemberCard]:
    """The cards of everyone the introductions name, in one batch. visible() already
    left out introductions across a block, so blocked members are not dropped here."""
    return {card.id: card for card in member_cards(viewer=viewer, ids=ids, keep_blocked=True)}


def as_received(introductions, *, user: User) -> list[ReceivedIntroduction]:
    """The introductions as `user`, one of the two introduced, sees them, with the member
    cards of the other and of the introducer. A fixed number of queries for any number."""
    introductions = list(introductions)
    found = _pair_reasons(introductions)
    others = {intro.pk: intro.other_id(user.pk) for intro in introductions}
    cards = _cards(
        user, [pk for intro in introductions for pk in (intro.introducer_id, others[intro.pk])]
    )
    items = []
    for intro in introductions:
        side = intro.side_of(user.pk)
        other_side = "high" if side == "low" else "low"
        other = cards.get(others[intro.pk])
        if other is None:  # left since the page's query ran
            continue
        status = public_status(intro)
        items.append(
            ReceivedIntroduction(
                introduction=intro,
                other=other,
                introducer=cards.get(intro.introducer_id) if intro.introducer_id else None,
                status=status,
                my_answer=getattr(intro, f"answer_{side}"),
                other_accepted=status == WAITING
                and getattr(intro, f"answer_{other_side}") == Answer.ACCEPTED,
                reasons=found[intro.pk],
            )
        )
    return items


def as_made(introductions, *, user: User) -> list[MadeIntroduction]:
    """The introductions `user` made, as they see them, with both members' cards."""
    introductions = list(introductions)
    found = _pair_reasons(introductions)
    cards = _cards(user, [pk for i in introductions for pk in (i.member_low_id, i.member_high_id)])
    items = []
    for intro in introductions:
        low, high = cards.get(intro.member_low_id), cards.get(intro.member_high_id)
        if low is None or high is None:  # left since the page's query ran
            continue
        items.append(
            MadeIntroduction(
                introduction=intro,
                sides=[
                    MadeSide(low, _side_state(intro, intro.answer_low)),
                    MadeSide(high, _side_state(intro, intro.answer_high)),
                ],
                status=public_status(intro),
                reasons=found[intro.pk],
            )
        )
    return items


def pending_count(*, user: User) -> int:
    """Introductions waiting for `user`'s answer (for a badge or a heading)."""
    return visible(
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


@dataclass(frozen=True)
class AskOptions:
    target: MemberCard
    mutuals: list[User]


def ask_options(*, requester: User, target_id: int) -> AskOptions:
    """Whom `requester` may ask for an introduction to `target_id`: the connections they share."""
    # The card leaves out unknown and inactive members and blocks either way: all unknown.
    cards = member_cards(viewer=requester, ids=[target_id]) if target_id != requester.pk else []
    if not cards:
        raise MemberNotFound
    target = cards[0]
    if selectors.are_connected(requester.pk, target.id):
        raise Conflict(_("You are already connected."))
    shared = selectors.mutual_connection_ids(
        requester.pk, target.id
    ) - selectors.blocked_either_way_ids(requester.pk)
    mutuals = list(
        User.objects.filter(pk__in=shared, is_active=True)
        .select_related("profile")
        .order_by("profile__name_key")[:50]
    )
    return AskOptions(target=target, mutuals=mutuals)
