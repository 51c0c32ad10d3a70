"""Who may know of a member.

A member exists for a viewer when the account is active and no block stands between
them, in either direction. Everyone else (an unknown handle, a deleted or deactivated
account, a member who blocked the viewer or whom they blocked) gets the same NotFound,
so a block cannot be told from a typo.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet

from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.handles import normalize_handle
from guanxi.accounts.models import User
from guanxi.accounts.visibility import hidden_member_ids
from guanxi.core.prepared import PreparedQuery

Action = Literal["view"]


def _active_member(**lookup) -> QuerySet[User]:
    members = User.objects.select_related("profile", "profile__place").filter(is_active=True)
    return members.filter(**lookup)[:1]


# Every profile page starts here: compiled once (the ORM took 0.6 ms to build it).
_by_id = PreparedQuery(lambda pk: _active_member(pk=pk), -(2**62) + 7)
_by_handle = PreparedQuery(lambda handle: _active_member(username=handle), "\x00handle")


def access_member(viewer, handle_or_id: str | int, action: Action = "view") -> User:
    """The member (with their profile) whom `viewer` (a user or AnonymousUser) may see."""
    if isinstance(handle_or_id, int):
        found = _by_id(handle_or_id)
    else:
        found = _by_handle(normalize_handle(handle_or_id))
    member = found[0] if found else None
    if member is None or member.pk in hidden_member_ids(viewer):
        raise MemberNotFound
    return member
