"""Builders for hand-made graphs and profiles in the suggestion tests."""

from __future__ import annotations

from guanxi.accounts.models import Education, ProfileTag, Tag, normalize_text
from guanxi.network.models import Connection
from tests.factories import make_member


def link(a, b) -> None:
    """A connection row straight in the table (no services, no hooks)."""
    low, high = sorted((a.pk, b.pk))
    Connection.objects.create(user_low_id=low, user_high_id=high)


def tag(user, name: str, kind: str = ProfileTag.Kind.INTEREST) -> None:
    found, _ = Tag.objects.get_or_create(key=normalize_text(name), defaults={"name": name})
    ProfileTag.objects.create(profile=user.profile, tag=found, kind=kind)


def school(user, name: str) -> None:
    Education.objects.create(profile=user.profile, school=name, school_key=normalize_text(name))


def members(prefix: str, count: int, **profile_fields) -> list:
    return [make_member(f"{prefix}{i}", **profile_fields) for i in range(count)]
