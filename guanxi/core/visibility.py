"""Audience levels shared by every object with per-section visibility.

A section set to level L is shown to viewers whose audience level is >= L.
The "connections" level needs the member graph, which lives in a later app:
that app registers a checker here instead of core (or accounts) importing it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.IntegerChoices):
    PUBLIC = 0, _("Public")
    MEMBERS = 1, _("Members")
    CONNECTIONS = 2, _("Connections")
    ONLY_ME = 3, _("Only me")


ConnectionChecker = Callable[[int, int], bool]
_connection_checkers: list[ConnectionChecker] = []


def register_connection_checker(checker: ConnectionChecker) -> None:
    """Register `checker(viewer_id, owner_id) -> bool`, true when the two are connected."""
    if checker not in _connection_checkers:
        _connection_checkers.append(checker)


def audience_level(viewer, owner_id: int) -> int:
    """The highest visibility level `viewer` may see on content owned by `owner_id`."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Visibility.PUBLIC
    if viewer.pk == owner_id:
        return Visibility.ONLY_ME
    if any(check(viewer.pk, owner_id) for check in _connection_checkers):
        return Visibility.CONNECTIONS
    return Visibility.MEMBERS


# Members hidden from a viewer everywhere (blocks, in either direction). The network
# app registers the provider; profiles, the directory and later feeds consult it.
HiddenProvider = Callable[[int], set[int]]
_hidden_providers: list[HiddenProvider] = []


def register_hidden_members_provider(provider: HiddenProvider) -> None:
    """Register `provider(viewer_id) -> set of member ids the viewer must not see`."""
    if provider not in _hidden_providers:
        _hidden_providers.append(provider)


def hidden_member_ids(viewer) -> set[int]:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return set()
    hidden: set[int] = set()
    for provider in _hidden_providers:
        hidden |= provider(viewer.pk)
    return hidden
