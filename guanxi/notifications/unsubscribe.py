"""Signed one-click unsubscribe links (RFC 8058): they work signed out, so the token
itself says who and what, and a signature makes it unforgeable. A link expires after
UNSUBSCRIBE_MAX_AGE; the settings page always works."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 180
ALL = "*"  # the scope of a digest's link: every email
_SALT = "guanxi.notifications.unsubscribe"
_UNDO_SALT = "guanxi.notifications.unsubscribe.undo"

BadLink = signing.BadSignature  # SignatureExpired is a subclass


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    scope: str  # a kind's key, or ALL


@dataclass(frozen=True)
class Undo:
    user_id: int
    scope: str
    previous: str  # the delivery a kind had ("" for its default), or "0"/"1" for paused


def make_token(user_id: int, scope: str) -> str:
    return signing.dumps([user_id, scope], salt=_SALT)


def read_token(token: str) -> Unsubscribe:
    user_id, scope = _load(token, _SALT)
    return Unsubscribe(user_id=user_id, scope=scope)


def make_undo_token(undo: Undo) -> str:
    return signing.dumps([undo.user_id, undo.scope, undo.previous], salt=_UNDO_SALT)


def read_undo_token(token: str) -> Undo:
    user_id, scope, previous = _load(token, _UNDO_SALT, size=3)
    return Undo(user_id=user_id, scope=scope, previous=previous)


def _load(token: str, salt: str, size: int = 2) -> list:
    value = signing.loads(token, salt=salt, max_age=UNSUBSCRIBE_MAX_AGE)
    if not (isinstance(value, list) and len(value) == size and isinstance(value[0], int)):
        raise signing.BadSignature("unexpected payload")
    return value
