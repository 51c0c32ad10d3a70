"""Builders for members and profiles used across the test suite."""

from __future__ import annotations

import itertools

from allauth.account.models import EmailAddress

from guanxi.accounts.models import Profile, User, normalize_text
from guanxi.places.selectors import place_id_for_text

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_member(
    handle: str | None = None,
    *,
    display_name: str | None = None,
    password: str = PASSWORD,
    verified: bool = True,
    **profile_fields,
) -> User:
    """A member with a verified email and a profile; profile fields are set directly
    (a city is linked to its place, as the profile service does)."""
    handle = handle or f"member{next(_seq)}"
    user = User.objects.create_user(
        username=handle, email=f"{handle}@example.com", password=password
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    name = display_name or handle.capitalize()
    if profile_fields.get("city") and "place_id" not in profile_fields:
        profile_fields["place_id"] = place_id_for_text(profile_fields["city"])
    Profile.objects.create(
        user=user, display_name=name, name_key=normalize_text(name), **profile_fields
    )
    return user


def fill_profile(user: User, **changes) -> Profile:
    """Set profile parts through the real service (tags, visibility, links ...)."""
    from guanxi.accounts.services import profile_update

    return profile_update(profile=user.profile, **changes)
