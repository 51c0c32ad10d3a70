"""Who may know of a connection invitation and answer it, and whose block list holds a block.

An invitation is private to its two members. Anyone else, a signed-out visitor, and both
members once the other has left get the NotFound of an invitation that does not exist.
A block between the two leaves nothing to find: blocking deletes the invitation (see
services.block). Each member may see it, but each answers it in their own way: the
recipient accepts or ignores, the sender withdraws; the other way round is NotAllowed.

A block is known only to the member who made it: the one it blocks, or anyone else,
finds no block to look at or undo (the same NotFound as a member who does not exist, so
a block cannot be told from a typo).
"""

from __future__ import annotations

from typing import Literal

from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.handles import normalize_handle
from guanxi.accounts.models import User
from guanxi.network.errors import InvitationNotFound, NotInvitationRecipient, NotInvitationSender
from guanxi.network.models import Block, ConnectionRequest

InvitationAction = Literal["view", "accept", "ignore", "withdraw"]
BlockAction = Literal["view", "unblock"]


def access_invitation(viewer, invitation_id: int, action: InvitationAction) -> ConnectionRequest:
    """The invitation (with both members) for its sender or recipient to `action` on."""
    if not viewer.is_authenticated:
        raise InvitationNotFound
    invitation = (
        ConnectionRequest.objects.select_related("sender__profile", "recipient__profile")
        .filter(pk=invitation_id, sender__is_active=True, recipient__is_active=True)
        .first()
    )
    if invitation is None or viewer.pk not in (invitation.sender_id, invitation.recipient_id):
        raise InvitationNotFound
    if action in ("accept", "ignore") and viewer.pk != invitation.recipient_id:
        raise NotInvitationRecipient
    if action == "withdraw" and viewer.pk != invitation.sender_id:
        raise NotInvitationSender
    return invitation


def access_block(viewer, member: int | str, action: BlockAction) -> Block:
    """The viewer's block of `member` (an id or a handle), to show on their list or undo."""
    if not viewer.is_authenticated:
        raise MemberNotFound
    blocks = Block.objects.select_related("blocked__profile").filter(blocker_id=viewer.pk)
    if isinstance(member, int):
        block = blocks.filter(blocked_id=member).first()
    else:
        block = blocks.filter(blocked__username=normalize_handle(member)).first()
    if block is None:
        raise MemberNotFound
    return block


def access_block_target(viewer, handle: str) -> User:
    """The member `viewer` asks to block, by handle. Not filtered by blocks: blocking
    someone who blocked you must still work and must not reveal their block."""
    if not viewer.is_authenticated:
        raise MemberNotFound
    member = User.objects.filter(username=normalize_handle(handle)).first()
    if member is None:
        raise MemberNotFound
    return member


def other_member(invitation: ConnectionRequest, viewer: User) -> User:
    """The invitation's member who is not the viewer."""
    return invitation.recipient if invitation.sender_id == viewer.pk else invitation.sender
