"""API for the member's own account and personal access tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from guanxi.accounts import selectors, services, tokens
from guanxi.accounts.selectors import account_summary
from guanxi.api.auth import member_auth
from guanxi.api.pagination import CursorQuery, keyset_page
from guanxi.api.schemas import NOT_BLANK, ListPage, Payload

router = Router(tags=["account"], auth=member_auth)
TOKENS_PER_PAGE = 50


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


class TokenPage(ListPage):
    """Newest first; a member holds at most MAX_TOKENS_PER_USER, so one page in practice."""

    items: list[TokenOut]


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. It is shown this once; store it now.")


class TokenIn(Payload):
    name: str = Field(min_length=1, max_length=tokens.TOKEN_NAME_MAX, pattern=NOT_BLANK)


@router.get("/me", response=MeOut, summary="The authenticated member's account")
def me(request: HttpRequest):
    return account_summary(user=request.auth)


@router.get("/tokens", response=TokenPage, summary="Your personal access tokens, newest first")
def token_list(request: HttpRequest, query: Query[CursorQuery]):
    rows, following = keyset_page(
        selectors.tokens_for_user(user=request.auth),
        cursor=query.cursor,
        per_page=TOKENS_PER_PAGE,
        field="created_at",
    )
    return {"items": rows, "next": following}


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a personal access token")
def token_create(request: HttpRequest, payload: TokenIn):
    tokens.count_token_create_attempt(user=request.auth)
    token, raw = services.access_token_create(user=request.auth, name=payload.name)
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
    services.access_token_revoke(user=request.auth, token_id=token_id)
    return Status(204, None)
