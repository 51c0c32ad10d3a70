"""API authentication: a personal access token (Bearer) or the site session (with CSRF)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from guanxi.accounts.tokens import user_for_token
from guanxi.api.errors import ApiError
from guanxi.core.ratelimit import client_ip, hit

# Failed token attempts per IP per minute before we answer 429.
FAILED_TOKEN_LIMIT = 20


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        ip = client_ip(request)
        user = user_for_token(token)
        if user is None:
            if not hit(f"api-token-fail:{ip}", limit=FAILED_TOKEN_LIMIT, period=60):
                raise ApiError(
                    429, "rate_limited", "Too many failed attempts; try again in a minute."
                )
            return None
        request.user = user
        return user


token_auth = TokenAuth()
session_auth = django_auth
member_auth = [token_auth, session_auth]
