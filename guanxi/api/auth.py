"""API authentication: a personal access token (Bearer) or the site session (with CSRF).

A request that carries a Bearer token is judged by that token alone: a wrong
token is a 401 even if the browser also sends a session cookie. Session-authenticated
writes must carry the CSRF token, like any form on the site.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from guanxi.accounts.selectors import user_for_token
from guanxi.api.errors import ApiError
from guanxi.core.ratelimit import client_ip, hit

# Failed token attempts per IP per period before every token request from it gets a 429.
FAILED_TOKEN_LIMIT = 20
FAILED_TOKEN_PERIOD = 60


def _blocked_key(ip: str) -> str:
    return f"api-token-blocked:{ip}"


def _too_many_attempts() -> ApiError:
    return ApiError(
        429, "rate_limited", _("Too many failed attempts with a token; try again in a minute.")
    )


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        ip = client_ip(request)
        # Once an address is blocked, even a right token waits: guessing must not pay.
        if cache.get(_blocked_key(ip)):
            raise _too_many_attempts()
        user = user_for_token(token.strip())
        if user is None:
            if not hit(
                f"api-token-fail:{ip}", limit=FAILED_TOKEN_LIMIT, period=FAILED_TOKEN_PERIOD
            ):
                cache.set(_blocked_key(ip), 1, timeout=FAILED_TOKEN_PERIOD)
                raise _too_many_attempts()
            return None
        request.user = user
        return user


class MemberSessionAuth(SessionAuth):
    """The logged-in member of the site; unsafe methods must pass Django's CSRF check."""

    def __call__(self, request: HttpRequest):
        # A bearer token decides alone; other schemes (a proxy's Basic auth) do not count.
        if request.headers.get("Authorization", "").lower().startswith("bearer"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiError(
                403,
                "csrf_failed",
                _("The CSRF check failed. Send the X-CSRFToken header with the csrftoken cookie."),
            )
        return user


token_auth = TokenAuth()
session_auth = MemberSessionAuth()
member_auth = [token_auth, session_auth]
