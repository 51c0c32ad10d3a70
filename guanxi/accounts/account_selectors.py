"""Reads about the member's own account (settings pages and the /me endpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress

from guanxi.accounts.models import Profile, User

# Sessions begun within this long of joining count as a newcomer's first visit.
NEWCOMER_PERIOD = timedelta(days=1)


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


def is_newcomer(*, user: User) -> bool:
    """Greet as new rather than "back": the latest login (this visit's) began within a day
    of joining, e.g. right after confirming the email address."""
    return user.last_login is None or user.last_login - user.date_joined < NEWCOMER_PERIOD
