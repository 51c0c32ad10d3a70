"""The notification kinds introductions send: received (to each of the two) and
completed (to both and to the introducer). Names of the people other than the actor are
kept in the notification's data, so a list of notifications needs no extra queries."""

from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.notifications.registry import NotificationKind, register


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


def register_kinds() -> None:
    register(NotificationKind(key="introduction_received", text=_received_text, url=_received_url))
    register(
        NotificationKind(key="introduction_completed", text=_completed_text, url=_completed_url)
    )
