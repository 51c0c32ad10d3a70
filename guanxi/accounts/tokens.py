"""Personal access tokens: `gx_<prefix>_<secret>`; only a SHA-256 digest is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from guanxi.accounts.models import AccessToken, User

TOKEN_PREFIX = "gx_"  # noqa: S105 - a public marker, not a secret
MAX_TOKENS_PER_USER = 20


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenLimitReached(Exception):
    pass


@transaction.atomic
def access_token_create(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token and return it with the raw secret, which is shown once."""
    # Lock the user row so two concurrent creations cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if AccessToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise TokenLimitReached
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name.strip()[:60], prefix=raw[: len(TOKEN_PREFIX) + 6], digest=_digest(raw)
    )
    return token, raw


def access_token_revoke(*, user: User, token_id: int) -> bool:
    deleted, _ = AccessToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def user_for_token(raw: str) -> User | None:
    """The active user owning `raw`, or None. Touches last_used_at at most once a minute."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=_digest(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
