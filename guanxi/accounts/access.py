"""Who may know of a member.

A member exists for a viewer when the account is active and no block stands between
them, in either direction. Everyone else (an unknown handle, a deleted or deactivated
account, a member who blocked the viewer or whom they blocked) gets the same NotFound,
so a block cannot be told from a typo.
"""

from __future__ import annotations

from typing import Literal

from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.handles import normalize_handle
from guanxi.accounts.models import User
from guanxi.accounts.visibility import hidden_member_ids

Action = Literal["view"]


def access_member(viewer, handle_or_id: str | int, action: Action = "view") -> User:
    """The member (with their profile) whom `viewer` (a user or AnonymousUser) may see."""
    members = User.objects.select_related("profile", "profile__place").filter(is_active=True)
    if isinstance(handle_or_id, int):
        member = members.filter(pk=handle_or_id).first()
    else:
        member = members.filter(username=normalize_handle(handle_or_id)).first()
    if member is None or member.pk in hidden_member_ids(viewer):
        raise MemberNotFound
    return member
