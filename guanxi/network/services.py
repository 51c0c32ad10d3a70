"""Writes to the member graph. Each is atomic; the database constraints are the last
word on races (two accepts, two crossing requests), and the services turn the
resulting IntegrityError into the answer the loser should see."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.models import User
from guanxi.core.errors import Conflict, Invalid, NotFound, RateLimited
from guanxi.core.ratelimit import hit
from guanxi.core.signals import send_on_commit
from guanxi.network import selectors, signals
from guanxi.network.access import InvitationAction, access_block, access_invitation
from guanxi.network.errors import AlreadyDone, RequestsNotAccepted
from guanxi.network.models import Block, Connection, ConnectionRequest, Follow, PrivacySettings
from guanxi.notifications.services import notify

REQUEST_NOTE_MAX = 300


@dataclass(frozen=True)
class RequestOutcome:
    """Sending a request either opens one or, if they had asked us, connects us."""

    request: ConnectionRequest | None = None
    connection: Connection | None = None


def _lock_pair(a_id: int, b_id: int) -> None:
    """Serialise every graph write about one pair of members.

    Locking both user rows (in id order, so no deadlock) makes the checks that follow
    see whatever a concurrent accept, request or block committed. SQLite's immediate
    transactions already serialise writers; this is what PostgreSQL needs.
    """
    list(User.objects.select_for_update().filter(pk__in=selectors.pair(a_id, b_id)).order_by("pk"))


def _visible_member(viewer: User, other_id: int) -> User:
    """The other member if active and not blocked either way; NotFound otherwise."""
    other = User.objects.filter(pk=other_id, is_active=True).first()
    if other is None or selectors.is_blocked_either_way(viewer.pk, other_id):
        raise MemberNotFound
    return other


def _connect(low_id: int, high_id: int, *, introduced_by: User | None = None) -> Connection:
    connection, created = Connection.objects.get_or_create(
        user_low_id=low_id, user_high_id=high_id, defaults={"introduced_by": introduced_by}
    )
    if created:
        _graph_changed(low_id, high_id)
    Follow.objects.bulk_create(
        [
            Follow(follower_id=low_id, followee_id=high_id),
            Follow(follower_id=high_id, followee_id=low_id),
        ],
        ignore_conflicts=True,
    )
    return connection


def connect_members(*, a: User, b: User, introduced_by: User | None = None) -> Connection:
    """Connect two members directly (used by introductions once both agree)."""
    low, high = selectors.pair(a.pk, b.pk)
    with transaction.atomic():
        _lock_pair(low, high)
        ConnectionRequest.objects.filter(pair_low_id=low, pair_high_id=high).delete()
        return _connect(low, high, introduced_by=introduced_by)


def _accept(request: ConnectionRequest) -> Connection:
    connection = _connect(request.pair_low_id, request.pair_high_id)
    request.delete()
    notify(recipient=request.sender, kind="connection_accepted", actor=request.recipient)
    return connection


def _check_may_request(sender: User, recipient: User) -> None:
    privacy = selectors.privacy_for(recipient.pk)
    if privacy.requests_from == PrivacySettings.RequestsFrom.NOBODY:
        raise RequestsNotAccepted
    if privacy.requests_from == PrivacySettings.RequestsFrom.SECOND_DEGREE and not (
        selectors.mutual_connection_ids(sender.pk, recipient.pk)
    ):
        raise RequestsNotAccepted(
            _("This member only accepts requests from people with a mutual connection.")
        )


def connection_request_send(*, sender: User, recipient_id: int, note: str = "") -> RequestOutcome:
    note = (note or "").strip()
    if len(note) > REQUEST_NOTE_MAX:
        raise Invalid(_("The note can be at most %(n)d characters.") % {"n": REQUEST_NOTE_MAX})
    if sender.pk == recipient_id:
        raise Invalid(_("You cannot connect with yourself."))
    # Two crossing requests can both pass the checks; the pair constraint lets one in
    # and the retry turns the other into an acceptance.
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _send(sender, recipient_id, note)
        except IntegrityError:
            if attempt:
                raise AlreadyDone from None
    raise AlreadyDone  # pragma: no cover - loop always returns or raises


def _send(sender: User, recipient_id: int, note: str) -> RequestOutcome:
    _lock_pair(sender.pk, recipient_id)
    recipient = _visible_member(sender, recipient_id)
    if selectors.are_connected(sender.pk, recipient.pk):
        raise Conflict(_("You are already connected."))
    low, high = selectors.pair(sender.pk, recipient.pk)
    existing = (
        ConnectionRequest.objects.select_for_update()
        .filter(pair_low_id=low, pair_high_id=high)
        .first()
    )
    if existing is not None:
        if existing.sender_id == sender.pk:
            raise Conflict(_("Your invitation is already pending."))
        return RequestOutcome(connection=_accept(existing))
    _check_may_request(sender, recipient)
    if not hit(
        f"connection-request:{sender.pk}",
        limit=settings.GUANXI_CONNECTION_REQUESTS_PER_DAY,
        period=86400,
    ):
        raise RateLimited(_("You have sent many invitations today; please try again tomorrow."))
    request = ConnectionRequest.objects.create(
        sender=sender, recipient=recipient, pair_low_id=low, pair_high_id=high, note=note
    )
    notify(
        recipient=recipient,
        kind="connection_request",
        actor=sender,
        data={"request_id": request.pk, "note": note},
    )
    return RequestOutcome(request=request)


def _locked_request(user: User, request_id: int, action: InvitationAction) -> ConnectionRequest:
    """The invitation `user` may `action` on (access_invitation), read again once the
    pair is locked, so a concurrent accept, withdraw or block has either committed or
    waits."""
    pair = access_invitation(user, request_id, action)
    _lock_pair(pair.pair_low_id, pair.pair_high_id)
    return access_invitation(user, request_id, action)


@transaction.atomic
def connection_request_accept(*, user: User, request_id: int) -> Connection:
    return _accept(_locked_request(user, request_id, "accept"))


@transaction.atomic
def connection_request_ignore(*, user: User, request_id: int) -> None:
    """Hide the invitation from the recipient; the sender still sees it as pending."""
    request = _locked_request(user, request_id, "ignore")
    request.status = ConnectionRequest.Status.IGNORED
    request.save(update_fields=["status"])


@transaction.atomic
def connection_request_withdraw(*, user: User, request_id: int) -> None:
    _locked_request(user, request_id, "withdraw").delete()


@transaction.atomic
def connection_remove(*, user: User, other_id: int) -> None:
    low, high = selectors.pair(user.pk, other_id)
    _lock_pair(low, high)
    deleted, _rows = Connection.objects.filter(user_low_id=low, user_high_id=high).delete()
    if not deleted:
        raise NotFound(_("You are not connected with this member."))
    _graph_changed(low, high)
    Follow.objects.filter(
        Q(follower_id=user.pk, followee_id=other_id) | Q(follower_id=other_id, followee_id=user.pk)
    ).delete()


@transaction.atomic
def follow(*, follower: User, followee_id: int) -> bool:
    """Follow one-way; returns False when already following (idempotent)."""
    if follower.pk == followee_id:
        raise Invalid(_("You cannot follow yourself."))
    _visible_member(follower, followee_id)
    # Insert and let the unique constraint say "already following". get_or_create would
    # re-read after the collision, and an unfollow committing in between makes that read
    # fail (IntegrityError, then DoesNotExist): a 500 on PostgreSQL.
    try:
        with transaction.atomic():
            Follow.objects.create(follower=follower, followee_id=followee_id)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def unfollow(*, follower: User, followee_id: int) -> bool:
    deleted, _rows = Follow.objects.filter(follower=follower, followee_id=followee_id).delete()
    return bool(deleted)


@transaction.atomic
def block(*, blocker: User, blocked_id: int) -> None:
    """Block silently: drop every tie between the two and keep new ones from forming."""
    if blocker.pk == blocked_id:
        raise Invalid(_("You cannot block yourself."))
    if not User.objects.filter(pk=blocked_id).exists():
        raise MemberNotFound
    _lock_pair(blocker.pk, blocked_id)
    Block.objects.get_or_create(blocker=blocker, blocked_id=blocked_id)
    low, high = selectors.pair(blocker.pk, blocked_id)
    Connection.objects.filter(user_low_id=low, user_high_id=high).delete()
    ConnectionRequest.objects.filter(pair_low_id=low, pair_high_id=high).delete()
    Follow.objects.filter(
        Q(follower_id=blocker.pk, followee_id=blocked_id)
        | Q(follower_id=blocked_id, followee_id=blocker.pk)
    ).delete()
    signals.blocking.send(sender=Block, blocker_id=blocker.pk, blocked_id=blocked_id)
    send_on_commit(signals.member_blocked, Block, blocker_id=blocker.pk, blocked_id=blocked_id)
    _graph_changed(low, high)


@transaction.atomic
def unblock(*, blocker: User, blocked_id: int) -> None:
    """Undo the blocker's own block; MemberNotFound when they made none (nobody else's
    block can be undone, or learnt of, this way)."""
    access_block(blocker, blocked_id, "unblock").delete()


def _graph_changed(a_id: int, b_id: int) -> None:
    send_on_commit(signals.graph_changed, Connection, a_id=a_id, b_id=b_id)


@transaction.atomic
def privacy_update(
    *, user: User, requests_from: str, connections_visible_to: str
) -> PrivacySettings:
    if requests_from not in PrivacySettings.RequestsFrom.values:
        raise Invalid(_("Choose who may send you requests."))
    if connections_visible_to not in PrivacySettings.ListAudience.values:
        raise Invalid(_("Choose who may see your connections."))
    privacy, _created = PrivacySettings.objects.update_or_create(
        user=user,
        defaults={"requests_from": requests_from, "connections_visible_to": connections_visible_to},
    )
    return privacy
