"""Handle rules: 3–30 characters, lowercase latin letters, digits and underscores,
starting with a letter, not a reserved word (so /@admin or /@api can never be a member)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

HANDLE_MIN = 3
HANDLE_MAX = 30

RESERVED_HANDLES = frozenset(
    [
        "about",
        "account",
        "accounts",
        "admin",
        "administrator",
        "api",
        "app",
        "apps",
        "auth",
        "billing",
        "blog",
        "chat",
        "chats",
        "community",
        "connect",
        "connections",
        "contact",
        "crm",
        "dashboard",
        "demo",
        "directory",
        "docs",
        "events",
        "explore",
        "feed",
        "groups",
        "guanxi",
        "help",
        "home",
        "invitations",
        "jobs",
        "login",
        "logout",
        "me",
        "media",
        "member",
        "members",
        "messages",
        "moderator",
        "network",
        "notifications",
        "null",
        "official",
        "people",
        "privacy",
        "profile",
        "profiles",
        "root",
        "search",
        "security",
        "settings",
        "signup",
        "static",
        "staff",
        "status",
        "support",
        "system",
        "terms",
        "undefined",
        "user",
        "users",
        "www",
        "healthz",
        "readyz",
        "careers",
        "directory",
        "leads",
        "trips",
        "lists",
        "hashtags",
    ]
)

_handle_re = re.compile(rf"^[a-z][a-z0-9_]{{{HANDLE_MIN - 1},{HANDLE_MAX - 1}}}$")


def normalize_handle(value: str) -> str:
    return (value or "").strip().lstrip("@").lower()


def validate_not_reserved(value: str) -> None:
    if normalize_handle(value) in RESERVED_HANDLES:
        raise ValidationError(_("This handle is reserved."), code="reserved")


handle_format_validator = RegexValidator(
    _handle_re,
    _("Use 3–30 lowercase letters, digits or underscores, starting with a letter."),
    code="invalid_handle",
)

HANDLE_VALIDATORS = [handle_format_validator, validate_not_reserved]
