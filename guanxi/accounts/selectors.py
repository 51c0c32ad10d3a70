"""Reads for accounts and profiles.

`profile_view` is the one place that decides what a viewer may see of a profile: it
returns a dataclass holding only the visible sections (hidden ones are None and are not
even queried), so neither a template nor the API can leak a hidden section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from guanxi.accounts.handles import normalize_handle
from guanxi.accounts.models import (
    SECTIONS,
    AccessToken,
    Education,
    Experience,
    OpenTo,
    Profile,
    ProfileTag,
    User,
)
from guanxi.accounts.tokens import TOKEN_PREFIX, TOKEN_RAW_MAX, token_digest
from guanxi.core.visibility import Visibility, audience_level, hidden_member_ids


@dataclass(frozen=True)
class Photo:
    url: str


@dataclass(frozen=True)
class Location:
    city: str
    country: str

    def __bool__(self) -> bool:
        return bool(self.city or self.country)


@dataclass(frozen=True)
class Work:
    company: str
    position: str

    def __bool__(self) -> bool:
        return bool(self.company or self.position)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class SectionAudience:
    """What the owner sees next to a section: who else can see it."""

    level: Visibility
    label: str


@dataclass(frozen=True)
class ProfileView:
    user_id: int
    handle: str
    display_name: str
    headline: str
    initials: str
    photo: Photo | None
    is_owner: bool
    is_demo: bool
    # Sections: None when the viewer may not see them.
    about: str | None = None
    about_html: str | None = None
    location: Location | None = None
    work: Work | None = None
    experience: list[Experience] | None = None
    education: list[Education] | None = None
    skills: list[str] | None = None
    interests: list[str] | None = None
    languages: list[str] | None = None
    open_to: list[OpenTo] | None = None
    links: list[Link] | None = None
    # Owner only: each section's audience and the directory listing.
    audiences: dict[str, SectionAudience] = field(default_factory=dict)
    listed: bool | None = None

    @property
    def has_details(self) -> bool:
        """True when anything beyond the header is shown (for the empty state)."""
        return any(
            (
                self.about_html,
                self.experience,
                self.education,
                self.skills,
                self.interests,
                self.languages,
                self.links,
            )
        )


def _active_profile(handle: str) -> Profile:
    try:
        return Profile.objects.select_related("user").get(
            user__username=normalize_handle(handle), user__is_active=True
        )
    except Profile.DoesNotExist:
        raise Http404("No such member.") from None


def profile_view(*, viewer, handle: str) -> ProfileView:
    """What `viewer` (a user or AnonymousUser) may see of @handle's profile.

    Raises Http404 for an unknown handle or an inactive account.
    """
    profile = _active_profile(handle)
    owner: User = profile.user
    if owner.pk in hidden_member_ids(viewer):  # a block, either way: as if no such member
        raise Http404("No such member.")
    level = audience_level(viewer, owner.pk)
    is_owner = level == Visibility.ONLY_ME

    def visible(section: str) -> bool:
        return profile.visibility_of(section) <= level

    parts: dict = {}
    if visible("about"):
        parts["about"] = profile.about
        parts["about_html"] = profile.about_html
    if visible("location"):
        parts["location"] = Location(city=profile.city, country=profile.country)
    if visible("work"):
        parts["work"] = Work(company=profile.company, position=profile.position)
    if visible("experience"):
        parts["experience"] = list(Experience.objects.filter(profile=profile))
    if visible("education"):
        parts["education"] = list(Education.objects.filter(profile=profile))
    tag_kinds = [
        kind
        for kind, section in (
            (ProfileTag.Kind.SKILL, "skills"),
            (ProfileTag.Kind.INTEREST, "interests"),
        )
        if visible(section)
    ]
    if tag_kinds:
        names: dict[str, list[str]] = {kind: [] for kind in tag_kinds}
        rows = (
            ProfileTag.objects.filter(profile=profile, kind__in=tag_kinds)
            .order_by("position", "id")
            .values_list("kind", "tag__name")
        )
        for kind, name in rows:
            names[kind].append(name)
        if ProfileTag.Kind.SKILL in names:
            parts["skills"] = names[ProfileTag.Kind.SKILL]
        if ProfileTag.Kind.INTEREST in names:
            parts["interests"] = names[ProfileTag.Kind.INTEREST]
    if visible("languages"):
        parts["languages"] = [str(lang) for lang in profile.languages or []]
    if visible("open_to"):
        parts["open_to"] = profile.open_to_list
    if visible("links"):
        parts["links"] = [
            Link(label=str(link.get("label", "")), url=str(link.get("url", "")))
            for link in profile.links or []
            if isinstance(link, dict) and link.get("url")
        ]
    if is_owner:
        parts["audiences"] = {
            key: SectionAudience(
                level=Visibility(profile.visibility_of(key)),
                label=str(Visibility(profile.visibility_of(key)).label),
            )
            for key, _label in SECTIONS
        }
        parts["listed"] = profile.listed

    return ProfileView(
        user_id=owner.pk,
        handle=owner.username,
        display_name=profile.display_name,
        headline=profile.headline,
        initials=profile.initials,
        photo=Photo(url=profile.photo.url) if profile.photo else None,
        is_owner=is_owner,
        is_demo=owner.is_demo,
        **parts,
    )


def profile_for_owner(*, user: User) -> Profile:
    """The member's own profile for editing (created if an account somehow has none)."""
    from guanxi.accounts.services import profile_ensure

    try:
        return Profile.objects.select_related("user").get(user=user)
    except Profile.DoesNotExist:
        return profile_ensure(user=user, display_name=user.username)


def profile_tag_names(*, profile: Profile) -> dict[str, list[str]]:
    """{"skill": [...], "interest": [...]} in the member's order, in one query."""
    names: dict[str, list[str]] = {ProfileTag.Kind.SKILL: [], ProfileTag.Kind.INTEREST: []}
    rows = (
        ProfileTag.objects.filter(profile=profile)
        .order_by("position", "id")
        .values_list("kind", "tag__name")
    )
    for kind, name in rows:
        names.setdefault(kind, []).append(name)
    return names


def experiences_of(*, profile: Profile) -> QuerySet[Experience]:
    return Experience.objects.filter(profile=profile)


def educations_of(*, profile: Profile) -> QuerySet[Education]:
    return Education.objects.filter(profile=profile)


def experience_for_owner(*, user: User, entry_id: int) -> Experience:
    """The member's own entry; another member's (or a missing) one is a 404."""
    try:
        return Experience.objects.get(pk=entry_id, profile__user=user)
    except (Experience.DoesNotExist, ValueError, TypeError):
        raise Http404("No such entry.") from None


def education_for_owner(*, user: User, entry_id: int) -> Education:
    try:
        return Education.objects.get(pk=entry_id, profile__user=user)
    except (Education.DoesNotExist, ValueError, TypeError):
        raise Http404("No such entry.") from None


# The member's own account (settings pages and the /me endpoint).


@dataclass(frozen=True)
class AccountSummary:
    id: int
    handle: str
    email: str
    display_name: str
    date_joined: datetime
    email_verified: bool


def account_summary(*, user: User) -> AccountSummary:
    display_name = (
        Profile.objects.filter(user=user).values_list("display_name", flat=True).first()
        or user.username
    )
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()
    return AccountSummary(
        id=user.pk,
        handle=user.username,
        email=user.email,
        display_name=display_name,
        date_joined=user.date_joined,
        email_verified=verified,
    )


# Sessions begun within this long of joining count as a newcomer's first visit.
NEWCOMER_PERIOD = timedelta(days=1)


def is_newcomer(*, user: User) -> bool:
    """Greet as new rather than "back": the latest login (this visit's) began within a day
    of joining, e.g. right after confirming the email address."""
    return user.last_login is None or user.last_login - user.date_joined < NEWCOMER_PERIOD


# Personal access tokens. How stale last_used_at may get: writing it on every request
# would turn reads into writes.
LAST_USED_PRECISION = timedelta(minutes=1)


def tokens_for_user(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def user_for_token(raw: str) -> User | None:
    """The active user owning `raw`, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > TOKEN_RAW_MAX:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=token_digest(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
