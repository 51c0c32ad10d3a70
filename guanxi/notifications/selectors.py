"""Reads for notifications and for how members want to hear of them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet

from guanxi.notifications import registry
from guanxi.notifications.models import EmailSettings, KindPreference, Notification
from guanxi.notifications.registry import Delivery, State


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    text: str
    url: str
    actor: object | None
    created_at: datetime
    unread: bool
    state: State | None = None
    # The actor's member card as the recipient may see it (None: no actor, or one they
    # may no longer see); filled only when as_items is asked for cards.
    actor_card: object | None = None


def unread_count(*, recipient) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


def notifications_for(*, recipient) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=recipient).select_related("actor__profile")


def states_for(notifications) -> dict[int, State]:
    """The current state of what each notification is about: one call per kind, each
    answering for the whole list with a query or two, never one per notification."""
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for note in notifications:
        by_kind[note.kind].append(note)
    states: dict[int, State] = {}
    for key, notes in by_kind.items():
        kind = registry.get(key)
        if kind is not None and kind.states is not None:
            states.update(kind.states(notes))
    return states


def as_items(notifications, *, cards_for=None) -> list[NotificationItem]:
    """The notifications as shown: wording, link, current state and, with `cards_for`
    (the recipient), the actors' member cards, in one batch for the whole list."""
    notifications = [note for note in notifications if registry.get(note.kind) is not None]
    states = states_for(notifications)
    cards = (
        registry.actor_cards(cards_for, list({n.actor_id for n in notifications if n.actor_id}))
        if cards_for is not None
        else {}
    )
    items = []
    for note in notifications:
        kind = registry.get(note.kind)
        assert kind is not None  # filtered above: an app that registered it may be gone
        items.append(
            NotificationItem(
                id=note.pk,
                kind=note.kind,
                text=kind.text(note),
                url=kind.url(note),
                actor=note.actor,
                created_at=note.created_at,
                unread=note.read_at is None,
                state=states.get(note.pk),
                actor_card=cards.get(note.actor_id) if note.actor_id else None,
            )
        )
    return items


# --- email preferences ----------------------------------------------------------------


def email_settings_for(user) -> EmailSettings:
    """The member's settings, unsaved defaults when they have never had any."""
    found = EmailSettings.objects.filter(user=user).first()
    return found or EmailSettings(user=user)


def deliveries_for(user) -> dict[str, Delivery]:
    """Every registered kind's delivery for this member (their choice or the default)."""
    chosen = dict(KindPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind.key: Delivery(chosen.get(kind.key, kind.default_delivery))
        for kind in registry.all_kinds()
    }


def delivery_for(user, kind_key: str) -> Delivery:
    kind = registry.get(kind_key)
    if kind is None:
        return Delivery.NEVER
    chosen = (
        KindPreference.objects.filter(user=user, kind=kind_key)
        .values_list("delivery", flat=True)
        .first()
    )
    return Delivery(chosen or kind.default_delivery)


def email_language(email_settings: EmailSettings) -> str:
    """The language to write to this member in: their choice, else the one they last
    used the site in, else the site's default."""
    known = {code for code, _name in settings.LANGUAGES}
    for code in (email_settings.language, email_settings.site_language):
        if code in known:
            return code
    return settings.LANGUAGE_CODE


def may_email(user) -> bool:
    """Active members with an address; never the seeded demo members, whose addresses
    are made up (seeding their network would otherwise queue hundreds of emails)."""
    return bool(user.is_active and user.email and not getattr(user, "is_demo", False))
