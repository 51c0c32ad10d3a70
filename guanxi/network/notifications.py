"""The notification kinds the network sends."""

from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.notifications.registry import NotificationKind, register


def _name(note) -> str:
    actor = note.actor
    return actor.profile.display_name if actor is not None else _("A former member")


def _actor_profile(note) -> str:
    return (
        reverse("profile", kwargs={"handle": note.actor.username})
        if note.actor
        else reverse("home")
    )


def register_all() -> None:
    register(
        NotificationKind(
            key="connection_request",
            text=lambda note: _("%(name)s wants to connect with you.") % {"name": _name(note)},
            url=lambda note: reverse("network_invitations"),
        )
    )
    register(
        NotificationKind(
            key="connection_accepted",
            text=lambda note: _("%(name)s accepted your invitation.") % {"name": _name(note)},
            url=_actor_profile,
        )
    )
