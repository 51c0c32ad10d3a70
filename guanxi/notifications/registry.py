"""Notification kinds, registered by the apps that send them.

A kind says how to word a notification, where it leads, how it is emailed and what
state the thing it is about is in now; the notifications app renders lists, sends
emails and keeps preferences without knowing what a connection or an introduction is.
An app registers its kinds in its `AppConfig.ready()`; see docs/DESIGN-notifications.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise


class Delivery(StrEnum):
    """How a member hears of one kind of notification by email."""

    NOW = "now"
    DIGEST = "digest"
    NEVER = "never"


@dataclass(frozen=True)
class State:
    """What the notification is about, as it stands now: "You accepted", "Withdrawn".

    `open` means the member still has something to do (the list keeps it highlighted).
    """

    label: str
    open: bool = False


@dataclass(frozen=True)
class NotificationKind:
    key: str
    # Shown on the settings page: a short label and one sentence.
    label: str | Promise
    description: str | Promise
    # text(notification) -> the sentence shown; url(notification) -> a path on this site.
    text: Callable[[object], str]
    url: Callable[[object], str]
    default_delivery: Delivery = Delivery.NOW
    # Email rendering, in the recipient's language (the caller activates it). The
    # subject defaults to the sentence; the body to the sentence and the link.
    email_subject: Callable[[object], str] | None = None
    email_body: Callable[[object], str] | None = None
    email_html: Callable[[object], str] | None = None
    # states(notifications of this kind) -> {notification id: State}; one query for the
    # whole list, never one per notification. None: the kind has no later state.
    states: Callable[[Sequence[object]], dict[int, State]] | None = None


_kinds: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> None:
    _kinds[kind.key] = kind


def get(key: str) -> NotificationKind | None:
    return _kinds.get(key)


def registered_keys() -> list[str]:
    return sorted(_kinds)


def all_kinds() -> list[NotificationKind]:
    """Every kind, in registration order (the settings page's order)."""
    return list(_kinds.values())


# The member card of a notification's actor, shown by the API. The notifications app
# knows no member card: the app that can see both (the network, above accounts and
# notifications, which are independent siblings) registers accounts' card builder.
# build(viewer, ids) -> the cards of the ids the viewer may see, each with an `id`.
ActorCards = Callable[[object, Sequence[int]], Sequence[object]]
_actor_cards: list[ActorCards] = []


def register_actor_cards(build: ActorCards) -> None:
    _actor_cards[:] = [build]


def actor_cards(viewer, ids: Sequence[int]) -> dict[int, object]:
    """{actor id: card} for the actors `viewer` may see (none when no app registered)."""
    if not _actor_cards or not ids:
        return {}
    return {card.id: card for card in _actor_cards[0](viewer, ids)}  # type: ignore[attr-defined]
