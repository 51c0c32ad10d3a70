"""allauth hooks: handles are normalised before validation, every account gets a
profile, rate limits count by the site's client address, and too many failed logins
answer 429 like allauth's other limits."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.handles import normalize_handle
from guanxi.accounts.models import User
from guanxi.core.ratelimit import client_ip

EMAIL_MAX = User._meta.get_field("email").max_length


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_taken": _("This handle is taken."),
    }

    def clean_email(self, email: str) -> str:
        # Django's form EmailField allows up to 320 characters; the column holds 254.
        if len(email) > EMAIL_MAX:
            raise ValidationError(
                _("Use an email address of at most %(max)d characters.") % {"max": EMAIL_MAX},
                code="max_length",
            )
        return super().clean_email(email)

    def clean_username(self, username: str, shallow: bool = False) -> str:
        # "Li_Wei" and "@li_wei" are accepted as li_wei (ACCOUNT_PRESERVE_USERNAME_CASING=False).
        return super().clean_username(normalize_handle(username), shallow=shallow)

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        from guanxi.accounts.services import profile_ensure

        user = super().save_user(request, user, form, commit=commit)
        if commit:
            display_name = form.cleaned_data.get("display_name") or user.username
            profile_ensure(user=user, display_name=display_name)
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's limits count by the same address as ours (trusted proxies only).
        return client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        # allauth turns an exhausted "login_failed" limit into a form error (status 200);
        # answer 429 with the readable rate-limit page instead, as for its other limits.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from exc
            raise
