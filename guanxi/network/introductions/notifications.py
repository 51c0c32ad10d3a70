"""The notification kinds introductions send: received (to each of the two) and
completed (to both and to the introducer). Names of the people other than the actor are
kept in the notification's data, so a list of notifications needs no extra queries."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.notifications.registry import Delivery, NotificationKind, State, register


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
