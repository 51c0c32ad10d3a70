"""The notification kinds introductions send: received (to each of the two),
completed (to both and to the introducer) and asked (to the shared connection asked to
introduce two members). Names of the people other than the actor are kept in the
notification's data, so a list of notifications needs no extra queries."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.network import selectors
from guanxi.notifications.registry import Delivery, NotificationKind, State, register

ASKED = "introduction_asked"


def _actor_name(note) -> str:
    return note.actor.profile.display_name if note.actor is not None else _("A former member")


def _received_text(note) -> str:
    return _("%(name)s introduced you to %(other)s.") % {
        "name": _actor_name(note),
        "other": note.data.get("other_name") or _("another member"),
    }


def _completed_text(note) -> str:
    if note.data.get("role") == "introducer":
        return _("%(a)s and %(b)s are now connected, thanks to your introduction.") % {
            "a": _actor_name(note),
            "b": note.data.get("other_name") or _("another member"),
        }
    return _("You and %(name)s both said yes: you are now connected.") % {"name": _actor_name(note)}


def _received_url(note) -> str:
    return f"{reverse('network_introductions')}#introduction-{note.data.get('introduction_id', '')}"


def _completed_url(note) -> str:
    if note.data.get("role") == "introducer":
        return f"{reverse('network_introductions')}?show=made"
    if note.actor is not None:
        return reverse("profile", kwargs={"handle": note.actor.username})
    return reverse("network_introductions")


def _received_states(notes) -> dict[int, State]:
    """Where each introduction stands for its recipient now (one query for the list)."""
    from guanxi.network.models.introductions import Introduction

    ids = [note.data.get("introduction_id") for note in notes]
    rows = {
        row[0]: row
        for row in Introduction.objects.filter(pk__in=[i for i in ids if i]).values_list(
            "pk", "status", "member_low_id", "answer_low", "answer_high"
        )
    }
    states = {}
    for note in notes:
        row = rows.get(note.data.get("introduction_id"))
        if row is None:
            states[note.pk] = State(_("No longer available"))
            continue
        _pk, status, low_id, answer_low, answer_high = row
        mine = answer_low if note.recipient_id == low_id else answer_high
        if status == Introduction.Status.CONNECTED:
            states[note.pk] = State(_("You are now connected"))
        elif mine == Introduction.Answer.DECLINED:
            states[note.pk] = State(_("You declined"))
        elif status != Introduction.Status.OPEN:
            states[note.pk] = State(_("Not now"))
        elif mine == Introduction.Answer.ACCEPTED:
            states[note.pk] = State(_("You accepted; waiting for the other person"))
        else:
            states[note.pk] = State(_("Waiting for your answer"), open=True)
    return states


def _asked_text(note) -> str:
    name = note.actor.profile.display_name if note.actor else _("A former member")
    return _("%(name)s asks you to introduce them to %(other)s.") % {
        "name": name,
        "other": note.data.get("target_name") or _("another member"),
    }


def _asked_url(note) -> str:
    if note.actor is None:
        return reverse("network_introductions")
    return f"{reverse('network_introduce')}?{urlencode({'a': note.actor.pk, 'b': note.data.get('target_id', '')})}"


def _asked_states(notes) -> dict[int, State]:
    """Whether the asked member has introduced the two since (one query for the list)."""
    from guanxi.network.models.introductions import Introduction

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


def register_kinds() -> None:
    register(
        NotificationKind(
            key="introduction_received",
            label=gettext_lazy("Introductions to you"),
            description=gettext_lazy("A connection introduces you to someone."),
            default_delivery=Delivery.NOW,
            text=_received_text,
            url=_received_url,
            states=_received_states,
        )
    )
    register(
        NotificationKind(
            key="introduction_completed",
            label=gettext_lazy("Completed introductions"),
            description=gettext_lazy(
                "Both sides of an introduction said yes, yours or one you made."
            ),
            default_delivery=Delivery.DIGEST,
            text=_completed_text,
            url=_completed_url,
        )
    )
    register(
        NotificationKind(
            key=ASKED,
            label=gettext_lazy("Requests for an introduction"),
            description=gettext_lazy(
                "A connection asks you to introduce them to someone you know."
            ),
            default_delivery=Delivery.NOW,
            text=_asked_text,
            url=_asked_url,
            states=_asked_states,
        )
    )
