"""Builders for directory tests: members with tags, schools and chosen visibility."""

from __future__ import annotations

import itertools

import pytest

from guanxi.accounts.models import (
    Education,
    OpenTo,
    Profile,
    ProfileTag,
    Tag,
    User,
    normalize_text,
)
from guanxi.accounts.visibility import Visibility
from guanxi.network.models import Block, Connection
from tests.factories import make_member

PUBLIC = Visibility.PUBLIC
MEMBERS = Visibility.MEMBERS
CONNECTIONS = Visibility.CONNECTIONS
ONLY_ME = Visibility.ONLY_ME

_numbers = itertools.count(1)

ALL_PUBLIC = {
    f"vis_{section}": PUBLIC
    for section in ("location", "work", "education", "skills", "interests", "open_to")
}


def tag(profile: Profile, kind: str, *names: str) -> None:
    for position, name in enumerate(names):
        tag_obj, _ = Tag.objects.get_or_create(key=normalize_text(name), defaults={"name": name})
        ProfileTag.objects.create(profile=profile, tag=tag_obj, kind=kind, position=position)


def member(
    handle: str | None = None,
    *,
    name: str | None = None,
    skills: tuple[str, ...] = (),
    interests: tuple[str, ...] = (),
    school: str = "",
    city: str = "",
    company: str = "",
    open_to: tuple[OpenTo, ...] = (),
    **profile_fields,
) -> User:
    """A listed member; sections default to the model's defaults unless given."""
    handle = handle or f"person{next(_numbers)}"
    user = make_member(
        handle,
        display_name=name or handle.capitalize(),
        city=city,
        city_key=normalize_text(city),
        company=company,
        company_key=normalize_text(company),
        open_to=OpenTo.to_mask(open_to),
        **profile_fields,
    )
    profile = user.profile
    tag(profile, ProfileTag.Kind.SKILL, *skills)
    tag(profile, ProfileTag.Kind.INTEREST, *interests)
    if school:
        Education.objects.create(
            profile=profile, school=school, school_key=normalize_text(school), degree="BA"
        )
    return user


def connect(a: User, b: User) -> None:
    low, high = sorted((a, b), key=lambda user: user.pk)
    Connection.objects.create(user_low=low, user_high=high)


def block(blocker: User, blocked: User) -> None:
    Block.objects.create(blocker=blocker, blocked=blocked)


@pytest.fixture
def viewer(db) -> User:
    """A plain member who looks at the directory (no skills, not matching filters)."""
    return member("viewer", name="Viewer Person")
