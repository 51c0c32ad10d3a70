"""Reads about the member's own account (settings pages and the /me endpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress

from guanxi.accounts.models import Profile, User


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
