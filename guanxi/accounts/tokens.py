"""Personal access tokens, their format and rules: `gx_` + 43 url-safe characters; only a
SHA-256 digest is stored. The raw secret leaves the server exactly once, in the answer to
its creation. Creating and revoking live in services, looking up in selectors.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.ratelimit import hit

TOKEN_PREFIX = "gx_"  # noqa: S105 - a public marker, not a secret
TOKEN_NAME_MAX = 60
MAX_TOKENS_PER_USER = 20
# Creations per member per hour, counted on every attempt (page and API alike).
CREATE_RATE_LIMIT = 10
CREATE_RATE_PERIOD = 60 * 60
TOKEN_RAW_MAX = 100


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


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
