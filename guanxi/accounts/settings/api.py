"""API for the member's own account and personal access tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from guanxi.accounts import errors, selectors, services, tokens
from guanxi.accounts.selectors import account_summary
from guanxi.api.auth import member_auth
from guanxi.api.errors import ApiError

router = Router(tags=["account"], auth=member_auth)


class MeOut(Schema):
    id: int
    handle: str
    email: str
    display_name: str
    date_joined: datetime
    email_verified: bool


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. It is shown this once; store it now.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=tokens.TOKEN_NAME_MAX)


@router.get("/me", response=MeOut, summary="The authenticated member's account")
def me(request: HttpRequest):
    return account_summary(user=request.auth)


@router.get("/tokens", response=list[TokenOut], summary="Your personal access tokens")
def token_list(request: HttpRequest):
    return list(selectors.tokens_for_user(user=request.auth))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a personal access token")
def token_create(request: HttpRequest, payload: TokenIn):
    user = request.auth
    if not tokens.token_create_allowed(user=user):
        raise ApiError(429, "rate_limited", _("You are creating tokens too fast; try again later."))
    try:
        token, raw = services.access_token_create(user=user, name=payload.name)
    except errors.TokenLimitReached:
        raise ApiError(
            409,
            "token_limit",
            _("You already have %(max)d tokens; revoke one first.")
            % {"max": tokens.MAX_TOKENS_PER_USER},
        ) from None
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "token": raw,
        },
    )


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="Revoke a token")
def token_revoke(request: HttpRequest, token_id: int):
    if not services.access_token_revoke(user=request.auth, token_id=token_id):
        raise ApiError(404, "not_found", _("Not found."))
    return Status(204, None)
