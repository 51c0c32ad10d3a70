"""Introductions in the REST API: make one, list those received and made, answer, ideas.

Mounted on the site's NinjaAPI at "/" (paths start with /network/introductions).
Errors: 404 for an introduction the caller is not part of, 403 when the introducer is
not connected to both (or answers their own introduction), 409 already connected / an
open introduction / closed / can't introduce, 422 bad input, 429 limits.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from guanxi.api.auth import member_auth
from guanxi.api.errors import ApiError
from guanxi.network.errors import NetworkError
from guanxi.network.introductions import services as intro
from guanxi.network.introductions.forms import MAX_ID
from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX

router = Router(tags=["introductions"], auth=member_auth)

IDEAS_MAX = 50


class MemberOut(Schema):
    id: int
    handle: str
    display_name: str
    headline: str
    photo_url: str | None


class IntroductionIn(Schema):
    a_id: int = Field(gt=0, le=MAX_ID, description="One of your connections.")
    b_id: int = Field(gt=0, le=MAX_ID, description="Another of your connections.")
    note: str = Field(
        min_length=1,
        max_length=INTRODUCTION_NOTE_MAX,
        description="Why they should meet; both will read it.",
    )


class ReceivedOut(Schema):
    id: int
    status: str = Field(description="waiting, connected or not_now")
    my_answer: str = Field(description="pending, accepted or declined (your own answer)")
    other_accepted: bool = Field(description="While waiting: the other person said yes.")
    note: str
    created_at: datetime
    introducer: MemberOut | None
    other: MemberOut
    reasons: list[str]


class SideOut(Schema):
    member: MemberOut
    state: str = Field(description="waiting, accepted, not_now or connected")


class MadeOut(Schema):
    id: int
    status: str = Field(description="waiting, connected or not_now")
    note: str
    created_at: datetime
    sides: list[SideOut]
    reasons: list[str]


class IntroductionsOut(Schema):
    received: list[ReceivedOut]
    made: list[MadeOut]


class IdeaOut(Schema):
    a: MemberOut
    b: MemberOut
    score: float
    reasons: list[str]
    suggested_note: str


def _member(user) -> dict | None:
    if user is None:
        return None
    profile = user.profile
    return {
        "id": user.pk,
        "handle": user.username,
        "display_name": profile.display_name,
        "headline": profile.headline,
        "photo_url": profile.photo.url if profile.photo else None,
    }


def _received(item: intro.ReceivedIntroduction) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "my_answer": item.my_answer,
        "other_accepted": item.other_accepted,
        "note": item.introduction.note,
        "created_at": item.introduction.created_at,
        "introducer": _member(item.introducer),
        "other": _member(item.other),
        "reasons": item.reasons,
    }


def _made(item: intro.MadeIntroduction) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "note": item.introduction.note,
        "created_at": item.introduction.created_at,
        "sides": [{"member": _member(side.member), "state": side.state} for side in item.sides],
        "reasons": item.reasons,
    }


def _api_error(error: NetworkError) -> ApiError:
    return ApiError(error.status, error.code, error.message)


def _not_found() -> ApiError:
    return ApiError(404, "not_found", str(intro.IntroductionNotFound.default_message))


def _made_one(user, introduction_id: int) -> dict:
    items = intro.as_made(intro.made_queryset(user=user).filter(pk=introduction_id))
    if not items:
        raise _not_found()
    return _made(items[0])


def _received_one(user, introduction_id: int) -> dict:
    # Hidden once a block stands between the viewer and the others: answer as unknown.
    items = intro.as_received(
        intro.received_queryset(user=user).filter(pk=introduction_id), user=user
    )
    if not items:
        raise _not_found()
    return _received(items[0])


@router.post(
    "/network/introductions",
    response={201: MadeOut},
    url_name="introductions_create",
    summary="Introduce two of your connections",
)
def introductions_create(request: HttpRequest, payload: IntroductionIn):
    try:
        made = intro.introduction_create(
            introducer=request.auth, a_id=payload.a_id, b_id=payload.b_id, note=payload.note
        )
    except NetworkError as error:
        raise _api_error(error) from None
    return Status(201, _made_one(request.auth, made.pk))


@router.get(
    "/network/introductions",
    response=IntroductionsOut,
    url_name="introductions_list",
    summary="Introductions you received and made (the most recent 100 of each)",
)
def introductions_list(request: HttpRequest):
    user = request.auth
    received = intro.as_received(intro.received_queryset(user=user)[:100], user=user)
    made = intro.as_made(intro.made_queryset(user=user)[:100])
    return {"received": [_received(i) for i in received], "made": [_made(i) for i in made]}


def _answer(request: HttpRequest, introduction_id: int, accept: bool) -> dict:
    try:
        intro.introduction_respond(
            user=request.auth, introduction_id=introduction_id, accept=accept
        )
    except NetworkError as error:
        raise _api_error(error) from None
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
    response=list[IdeaOut],
    url_name="introductions_ideas",
    summary="Pairs among your connections worth introducing, with the reasons",
)
def introductions_ideas(request: HttpRequest, limit: int = 10):
    if not 1 <= limit <= IDEAS_MAX:
        raise ApiError(
            422,
            "invalid",
            _("Some fields are not valid."),
            {"limit": [_("Between 1 and %(max)d.") % {"max": IDEAS_MAX}]},
        )
    ideas = intro.introduction_ideas(user=request.auth, limit=limit)
    return [
        {
            "a": _member(idea.a),
            "b": _member(idea.b),
            "score": round(idea.score, 4),
            "reasons": idea.reasons,
            "suggested_note": idea.note,
        }
        for idea in ideas
    ]
