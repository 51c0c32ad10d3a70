"""The notification kinds the network sends."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.notifications.registry import Delivery, NotificationKind, State, register


def _name(note) -> str:
    actor = note.actor
    return actor.profile.display_name if actor is not None else _("A former member")


def _actor_profile(note) -> str:
    return (
        reverse("profile", kwargs={"handle": note.actor.username})
        if note.actor
        else reverse("home")
    )


def _request_states(notes) -> dict[int, State]:
    """Where each invitation stands now: one query for the requests still open, one for
    the connections of those that are gone (accepted, or withdrawn)."""
    from guanxi.network.models import Connection, ConnectionRequest

    wanted = {note.pk: note.data.get("request_id") for note in notes}
    status = dict(
        ConnectionRequest.objects.filter(pk__in=[i for i in wanted.values() if i]).values_list(
            "pk", "status"
        )
    )
    gone = [note for note in notes if wanted[note.pk] not in status and note.actor_id]
    connected: set[tuple[int, int]] = set()
    if gone:
        pairs = Q()
        for note in gone:
            low, high = sorted((note.recipient_id, note.actor_id))
            pairs |= Q(user_low_id=low, user_high_id=high)
        connected = set(Connection.objects.filter(pairs).values_list("user_low_id", "user_high_id"))
    states = {}
    for note in notes:
        current = status.get(wanted[note.pk])
        if current == ConnectionRequest.Status.PENDING:
            states[note.pk] = State(_("Waiting for your answer"), open=True)
        elif current == ConnectionRequest.Status.IGNORED:
            states[note.pk] = State(_("You ignored this invitation"))
        elif note.actor_id and tuple(sorted((note.recipient_id, note.actor_id))) in connected:
            states[note.pk] = State(_("You accepted"))
        else:
            states[note.pk] = State(_("Withdrawn"))
    return states


def _request_email_body(note) -> str:
    text = _("%(name)s wants to connect with you.") % {"name": _name(note)}
    if note.data.get("note"):
        return f"{text}\n\n“{note.data['note']}”"
    return text


def register_all() -> None:
    register(
        NotificationKind(
            key="connection_request",
            label=gettext_lazy("Invitations to connect"),
            description=gettext_lazy("A member invites you to connect."),
            default_delivery=Delivery.NOW,
            text=lambda note: _("%(name)s wants to connect with you.") % {"name": _name(note)},
            url=lambda note: reverse("network_invitations"),
            email_body=_request_email_body,
            states=_request_states,
        )
    )
    register(
        NotificationKind(
            key="connection_accepted",
            label=gettext_lazy("Accepted invitations"),
            description=gettext_lazy("Someone accepted your invitation to connect."),
            default_delivery=Delivery.DIGEST,
            text=lambda note: _("%(name)s accepted your invitation.") % {"name": _name(note)},
            url=_actor_profile,
        )
    )
