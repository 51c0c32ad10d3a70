"""Asking a mutual connection for an introduction.

A suggestion is usually someone you are not connected with, so "Introduce" on it means:
ask one of the connections you share to introduce the two of you. The ask is a
notification to that connection, leading to the introduce form already filled in; the
introduction itself then follows the usual double opt-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.ratelimit import hit
from guanxi.network import selectors
from guanxi.network.errors import Conflict, Invalid, NotFound, RateLimited
from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX, Introduction
from guanxi.notifications.registry import Delivery, NotificationKind, State, register
from guanxi.notifications.services import notify

KIND = "introduction_asked"


@dataclass(frozen=True)
class AskOptions:
    target: User
    mutuals: list[User]


def ask_options(*, requester: User, target_id: int) -> AskOptions:
    """Whom `requester` may ask for an introduction to `target_id`: the connections they share."""
    target = User.objects.select_related("profile").filter(pk=target_id, is_active=True).first()
    if target is None or target.pk == requester.pk:
        raise NotFound
    if selectors.is_blocked_either_way(requester.pk, target.pk):
        raise NotFound
    if selectors.are_connected(requester.pk, target.pk):
        raise Conflict(_("You are already connected."))
    shared = selectors.mutual_connection_ids(
        requester.pk, target.pk
    ) - selectors.blocked_either_way_ids(requester.pk)
    mutuals = list(
        User.objects.filter(pk__in=shared, is_active=True)
        .select_related("profile")
        .order_by("profile__name_key")[:50]
    )
    return AskOptions(target=target, mutuals=mutuals)


@transaction.atomic
def introduction_ask(*, requester: User, target_id: int, via_id: int, note: str = "") -> None:
    """Ask connection `via_id` to introduce `requester` to `target_id`."""
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
        kind=KIND,
        actor=requester,
        data={
            "target_id": options.target.pk,
            "target_name": options.target.profile.display_name,
            "note": note,
        },
    )


def _text(note) -> str:
    name = note.actor.profile.display_name if note.actor else _("A former member")
    return _("%(name)s asks you to introduce them to %(other)s.") % {
        "name": name,
        "other": note.data.get("target_name") or _("another member"),
    }


def _url(note) -> str:
    if note.actor is None:
        return reverse("network_introductions")
    return f"{reverse('network_introduce')}?{urlencode({'a': note.actor.pk, 'b': note.data.get('target_id', '')})}"


def _states(notes) -> dict[int, State]:
    """Whether the asked member has introduced the two since (one query for the list)."""
    pairs = Q()
    for note in notes:
        if note.actor_id and note.data.get("target_id"):
            low, high = selectors.pair(note.actor_id, note.data["target_id"])
            pairs |= Q(introducer_id=note.recipient_id, member_low_id=low, member_high_id=high)
    made = set()
    if pairs:
        made = set(
            Introduction.objects.filter(pairs).values_list(
                "introducer_id", "member_low_id", "member_high_id"
            )
        )
    states = {}
    for note in notes:
        target = note.data.get("target_id")
        if not (note.actor_id and target):
            continue
        if (note.recipient_id, *selectors.pair(note.actor_id, target)) in made:
            states[note.pk] = State(_("You introduced them"))
        else:
            states[note.pk] = State(_("Waiting for you"), open=True)
    return states


def register_ask_kind() -> None:
    register(
        NotificationKind(
            key=KIND,
            label=gettext_lazy("Requests for an introduction"),
            description=gettext_lazy(
                "A connection asks you to introduce them to someone you know."
            ),
            default_delivery=Delivery.NOW,
            text=_text,
            url=_url,
            states=_states,
        )
    )
