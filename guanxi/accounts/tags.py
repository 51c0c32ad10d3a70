"""Free-text tags (skills, interests) and short lists (languages): splitting, normalising,
de-duplicating and bounding what members type.

A tag's identity is its key, normalize_text(name): whitespace collapsed and casefolded,
so "Machine  Learning" and "machine learning" are one tag and Chinese tags work as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.models import normalize_text

MAX_TAGS = 30
TAG_MAX_LENGTH = 50
MAX_LANGUAGES = 10
LANGUAGE_MAX_LENGTH = 40

# Comma, Chinese full-width comma, Chinese enumeration comma, and line breaks.
_SEPARATORS = re.compile(r"[,，、\r\n]+")


def split_tags(text: str) -> list[str]:
    """Split what a member typed into candidate names (not yet normalised)."""
    return _SEPARATORS.split(text or "")


def tag_key(name: str) -> str:
    return normalize_text(name)


def clean_names(
    names: Iterable[str], *, max_items: int = MAX_TAGS, max_length: int = TAG_MAX_LENGTH
) -> list[str]:
    """Trim, collapse inner whitespace, drop empties and case-insensitive duplicates
    (the first spelling wins), then enforce the bounds. Raises ValidationError listing
    every problem."""
    cleaned: list[str] = []
    seen: set[str] = set()
    errors: list[str] = []
    for raw in names:
        if not isinstance(raw, str):
            errors.append(_("Each entry must be text."))
            continue
        name = " ".join(raw.split())
        if not name:
            continue
        key = normalize_text(name)
        if key in seen:
            continue
        seen.add(key)
        if len(name) > max_length:
            errors.append(
                ngettext(
                    "“%(name)s…” is too long (at most %(max)d character).",
                    "“%(name)s…” is too long (at most %(max)d characters).",
                    max_length,
                )
                % {"name": name[:20], "max": max_length}
            )
            continue
        cleaned.append(name)
    if len(cleaned) > max_items:
        errors.append(
            ngettext(
                "At most %(max)d entry, please (you gave %(count)d).",
                "At most %(max)d entries, please (you gave %(count)d).",
                max_items,
            )
            % {"max": max_items, "count": len(cleaned)}
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_tag_names(names: Iterable[str]) -> list[str]:
    return clean_names(names, max_items=MAX_TAGS, max_length=TAG_MAX_LENGTH)


def clean_languages(names: Iterable[str]) -> list[str]:
    return clean_names(names, max_items=MAX_LANGUAGES, max_length=LANGUAGE_MAX_LENGTH)
