"""Introductions in the REST API: make one, list those received and made, answer, ideas.

Mounted on the site's NinjaAPI at "/" (paths start with /network/introductions).
Errors: 404 for an introduction the caller is not part of, 403 when the introducer is
not connected to both (or answers their own introduction), 409 already connected / an
open introduction / closed / can't introduce, 422 bad input, 429 limits.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from guanxi.api.auth import member_auth
from guanxi.api.pagination import CursorQuery, keyset_page
from guanxi.api.schemas import NOT_BLANK, ListPage, MemberCard, Payload
from guanxi.network.introductions import selectors, services
from guanxi.network.introductions.access import access_introduction
from guanxi.network.introductions.errors import IntroductionNotFound
from guanxi.network.introductions.forms import MAX_ID
from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX

router = Router(tags=["introductions"], auth=member_auth)

IDEAS_MAX = 50
PER_PAGE = 50


class IntroductionIn(Payload):
    a_id: int = Field(gt=0, le=MAX_ID, description="One of your connections (not yourself).")
    b_id: int = Field(
        gt=0, le=MAX_ID, description="Another of your connections: not a_id, not yourself."
    )
    note: str = Field(
        min_length=1,
        max_length=INTRODUCTION_NOTE_MAX,
        pattern=NOT_BLANK,
        description="Why they should meet; both will read it.",
    )


class ReceivedOut(Schema):
    id: int
    status: str = Field(description="waiting, connected or not_now")
    my_answer: str = Field(description="pending, accepted or declined (your own answer)")
    other_accepted: bool = Field(description="While waiting: the other person said yes.")
    note: str
    created_at: datetime
    introducer: MemberCard | None
    other: MemberCard
    reasons: list[str]


class SideOut(Schema):
    member: MemberCard
    state: str = Field(description="waiting, accepted, not_now or connected")


class MadeOut(Schema):
    id: int
    status: str = Field(description="waiting, connected or not_now")
    note: str
    created_at: datetime
    sides: list[SideOut]
    reasons: list[str]


class ReceivedPage(ListPage):
    items: list[ReceivedOut]


class MadePage(ListPage):
    items: list[MadeOut]


class IdeaOut(Schema):
    a: MemberCard
    b: MemberCard
    score: float
    reasons: list[str]
    suggested_note: str


class IdeaPage(ListPage):
    """The best ideas, up to `limit`: one page (next is always null)."""

    items: list[IdeaOut]


def _received(item: selectors.ReceivedIntroduction) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "my_answer": item.my_answer,
        "other_accepted": item.other_accepted,
        "note": item.introduction.note,
        "created_at": item.introduction.created_at,
        "introducer": item.introducer,
        "other": item.other,
        "reasons": item.reasons,
    }


def _made(item: selectors.MadeIntroduction) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "note": item.introduction.note,
        "created_at": item.introduction.created_at,
        "sides": [{"member": side.member, "state": side.state} for side in item.sides],
        "reasons": item.reasons,
    }


def _made_one(user, introduction_id: int) -> dict:
    items = selectors.as_made(
        selectors.made_queryset(user=user).filter(pk=introduction_id), user=user
    )
    if not items:
        raise IntroductionNotFound
    return _made(items[0])


def _received_one(user, introduction_id: int) -> dict:
    # Hidden once a block stands between the viewer and the others: answer as unknown.
    items = selectors.as_received(
        selectors.received_queryset(user=user).filter(pk=introduction_id), user=user
    )
    if not items:
        raise IntroductionNotFound
    return _received(items[0])


@router.post(
    "/network/introductions",
    response={201: MadeOut},
    url_name="introductions_create",
    summary="Introduce two of your connections",
)
def introductions_create(request: HttpRequest, payload: IntroductionIn):
    made = services.introduction_create(
        introducer=request.auth, a_id=payload.a_id, b_id=payload.b_id, note=payload.note
    )
    return Status(201, _made_one(request.auth, made.pk))


@router.get(
    "/network/introductions/received",
    response=ReceivedPage,
    url_name="introductions_received",
    summary="Introductions of you to someone, newest first",
)
def introductions_received(request: HttpRequest, query: Query[CursorQuery]):
    user = request.auth
    rows, following = keyset_page(
        selectors.received_queryset(user=user),
        cursor=query.cursor,
        per_page=PER_PAGE,
        field="created_at",
    )
    return {
        "items": [_received(i) for i in selectors.as_received(rows, user=user)],
        "next": following,
    }


@router.get(
    "/network/introductions/made",
    response=MadePage,
    url_name="introductions_made",
    summary="Introductions you made, newest first",
)
def introductions_made(request: HttpRequest, query: Query[CursorQuery]):
    user = request.auth
    rows, following = keyset_page(
        selectors.made_queryset(user=user),
        cursor=query.cursor,
        per_page=PER_PAGE,
        field="created_at",
    )
    return {"items": [_made(i) for i in selectors.as_made(rows, user=user)], "next": following}


def _answer(request: HttpRequest, introduction_id: int, accept: bool) -> dict:
    access_introduction(request.auth, introduction_id, "answer")
    services.introduction_respond(user=request.auth, introduction_id=introduction_id, accept=accept)
    return _received_one(request.auth, introduction_id)


@router.post(
    "/network/introductions/{int:introduction_id}/accept",
    response=ReceivedOut,
    url_name="introductions_accept",
    summary="Say yes to an introduction (connects you once both said yes)",
)
def introductions_accept(request: HttpRequest, introduction_id: int):
    return _answer(request, introduction_id, True)


@router.post(
    "/network/introductions/{int:introduction_id}/decline",
    response=ReceivedOut,
    url_name="introductions_decline",
    summary="Say not now to an introduction (the others only ever see 'not now')",
)
def introductions_decline(request: HttpRequest, introduction_id: int):
    return _answer(request, introduction_id, False)


@router.get(
    "/network/introductions/ideas",
    response=IdeaPage,
    url_name="introductions_ideas",
    summary="Pairs among your connections worth introducing, with the reasons",
)
def introductions_ideas(request: HttpRequest, limit: int = Query(10, ge=1, le=IDEAS_MAX)):
    ideas = selectors.introduction_ideas(user=request.auth, limit=limit)
    items = [
        {
            "a": idea.a,
            "b": idea.b,
            "score": round(idea.score, 4),
            "reasons": idea.reasons,
            "suggested_note": idea.note,
        }
        for idea in ideas
    ]
    return {"items": items, "next": None}
