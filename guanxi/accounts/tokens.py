"""Personal access tokens: `gx_` + 43 url-safe characters; only a SHA-256 digest is stored.

The raw secret leaves the server exactly once, in the answer to its creation.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import AccessToken, User
from guanxi.core.ratelimit import hit

TOKEN_PREFIX = "gx_"  # noqa: S105 - a public marker, not a secret
TOKEN_NAME_MAX = 60
MAX_TOKENS_PER_USER = 20
# Creations per member per hour, counted on every attempt (page and API alike).
CREATE_RATE_LIMIT = 10
CREATE_RATE_PERIOD = 60 * 60
# How stale last_used_at may get: writing it on every request would turn reads into writes.
LAST_USED_PRECISION = timedelta(minutes=1)
_RAW_MAX = 100


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenLimitReached(Exception):
    """The member already holds MAX_TOKENS_PER_USER tokens."""


def clean_token_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]}, code="required")
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError(
            {"name": [_("Use at most %(max)d characters for the name.") % {"max": TOKEN_NAME_MAX}]},
            code="max_length",
        )
    return name


def token_create_allowed(*, user: User) -> bool:
    """Count one creation attempt; False once the member is over the hourly limit."""
    return hit(f"token-create:{user.pk}", limit=CREATE_RATE_LIMIT, period=CREATE_RATE_PERIOD)


@transaction.atomic
def access_token_create(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token and return it with the raw secret, which is shown once.

    Raises ValidationError for a bad name and TokenLimitReached at the cap.
    """
    name = clean_token_name(name)
    # Lock the user row so two concurrent creations cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if AccessToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise TokenLimitReached
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=_digest(raw)
    )
    return token, raw


@transaction.atomic
def access_token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of the member's tokens; False if it is not theirs (or does not exist)."""
    deleted, _detail = AccessToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def access_tokens_revoke_all(*, user: User) -> int:
    """Delete every token of the member (e.g. when their password may have leaked)."""
    deleted, _detail = AccessToken.objects.filter(user=user).delete()
    return deleted


def tokens_for_user(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def user_for_token(raw: str) -> User | None:
    """The active user owning `raw`, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > _RAW_MAX:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=_digest(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
