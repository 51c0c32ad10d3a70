"""Writes for accounts and profiles. Keyword-only, typed, atomic."""

from __future__ import annotations

from django.db import transaction

from guanxi.accounts.models import Profile, User, normalize_text


@transaction.atomic
def profile_ensure(*, user: User, display_name: str) -> Profile:
    """Create the member's profile if it does not exist yet."""
    display_name = display_name.strip()[:100] or user.username
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": display_name, "name_key": normalize_text(display_name)}
    )
    return profile
