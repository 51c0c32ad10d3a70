"""API authentication: a personal access token (Bearer) or the site session (with CSRF).

A request that carries a Bearer token is judged by that token alone: a wrong
token is a 401 even if the browser also sends a session cookie. Session-authenticated
writes must carry the CSRF token, like any form on the site.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from guanxi.accounts.services import access_token_use
from guanxi.core.errors import NotAllowed, RateLimited
from guanxi.core.ratelimit import client_ip, hit

# Failed token attempts per client address per period; beyond it, failures answer 429.
# Only failures count: a valid token always works, whatever else came from its address
# (a shared NAT must not lock a member out). Guessing gains nothing from this: a token
# holds 256 random bits.
FAILED_TOKEN_LIMIT = 20
FAILED_TOKEN_PERIOD = 60


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = access_token_use(raw=token.strip())
        if user is None:
            failures_allowed = hit(
                f"api-token-fail:{client_ip(request)}",
                limit=FAILED_TOKEN_LIMIT,
                period=FAILED_TOKEN_PERIOD,
            )
            if not failures_allowed:
                raise RateLimited(
                    _("Too many failed attempts with a token; try again in a minute."),
                    retry_after=FAILED_TOKEN_PERIOD,
                )
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
            raise NotAllowed(
                _("The CSRF check failed. Send the X-CSRFToken header with the csrftoken cookie."),
                code="csrf_failed",
            )
        return user


token_auth = TokenAuth()
session_auth = MemberSessionAuth()
member_auth = [token_auth, session_auth]
