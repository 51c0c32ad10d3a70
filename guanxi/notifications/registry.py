"""Notification kinds, registered by the apps that send them.

A kind says how to word a notification and where it leads; the notifications app
renders lists without knowing what a connection or an introduction is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationKind:
    key: str
    # text(notification) -> the sentence shown; url(notification) -> where clicking leads.
    text: Callable[[object], str]
    url: Callable[[object], str]


_kinds: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> None:
    _kinds[kind.key] = kind


def get(key: str) -> NotificationKind | None:
    return _kinds.get(key)


def registered_keys() -> list[str]:
    return sorted(_kinds)
