"""People you may know and shared interests over the REST API (same rules as the pages).

Mounted at the API root: the paths carry their /network prefix.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from guanxi.api.auth import member_auth
from guanxi.api.errors import ApiError
from guanxi.api.schemas import MemberCard, Page, page_meta
from guanxi.network.errors import NetworkError
from guanxi.network.suggestions import services as suggestions
from guanxi.network.suggestions import shared_interests

router = Router(tags=["people you may know"], auth=member_auth)


class SuggestionOut(Schema):
    member: MemberCard
    reasons: list[str]
    mutual_count: int = Field(description="Connections you share with the member, counted now")
    mutual_connections: list[MemberCard] = Field(
        description="The first of those shared connections (at most two)"
    )


class SuggestionsOut(Schema):
    items: list[SuggestionOut]


class DismissOut(Schema):
    user_id: int
    dismissed: bool


class SharedMemberOut(Schema):
    member: MemberCard
    shared: list[str]
    degree: int | None


class TagOut(Schema):
    id: int
    name: str
    key: str


class TagMembersOut(Schema):
    tag: TagOut
    items: list[SharedMemberOut]
    meta: Page


class SharedOut(Schema):
    items: list[SharedMemberOut]
    meta: Page


class SuggestionsQuery(Schema):
    limit: int = Field(20, ge=1, le=suggestions.KEEP_SERVED)


class PageQuery(Schema):
    page: int = Field(1, ge=1)


def _not_found(message: str | None = None) -> ApiError:
    return ApiError(404, "not_found", message or _("Not found."))


@router.get(
    "/network/suggestions",
    response=SuggestionsOut,
    url_name="network_suggestions_list",
    summary="People you may know, best first, with the reasons",
)
def suggestions_list(request: HttpRequest, query: Query[SuggestionsQuery]):
    cards = suggestions.suggestions_for(request.auth, limit=query.limit)
    return SuggestionsOut(
        items=[
            SuggestionOut(
                member=MemberCard.of(card.user),
                reasons=card.reasons,
                mutual_count=card.mutual_count,
                mutual_connections=[MemberCard.of(face) for face in card.mutuals],
            )
            for card in cards
        ]
    )


@router.post(
    "/network/suggestions/{user_id}/dismiss",
    response=DismissOut,
    url_name="network_suggestions_dismiss",
    summary="Never suggest this member again",
)
def suggestions_dismiss(request: HttpRequest, user_id: int):
    try:
        suggestions.dismiss_suggestion(user=request.auth, candidate_id=user_id)
    except NetworkError as error:
        raise ApiError(error.status, error.code, error.message) from None
    return DismissOut(user_id=user_id, dismissed=True)


def _items(page) -> list[SharedMemberOut]:
    return [
        SharedMemberOut(member=MemberCard.of(item.user), shared=item.shared, degree=item.degree)
        for item in page.object_list
    ]


def _check_page(page, wanted: int) -> None:
    if page.number != wanted:
        raise _not_found(_("There is no such page."))


@router.get(
    "/network/tags/{path:tag}/members",
    response=TagMembersOut,
    url_name="network_tag_members_list",
    summary="Members who share a skill or interest (by the tag's key or name)",
)
def tag_members(request: HttpRequest, tag: str, query: Query[PageQuery]):
    found = shared_interests.find_tag(tag)
    if found is None:
        raise _not_found(_("No member uses this tag."))
    page = shared_interests.members_sharing_tag(request.auth, found, page=query.page)
    _check_page(page, query.page)
    return TagMembersOut(
        tag=TagOut(id=found.pk, name=found.name, key=found.key),
        items=_items(page),
        meta=page_meta(page),
    )


@router.get(
    "/network/shared",
    response=SharedOut,
    url_name="network_shared_list",
    summary="Members who share your skills and interests",
)
def shared(request: HttpRequest, query: Query[PageQuery]):
    page = shared_interests.members_sharing_my_tags(request.auth, page=query.page)
    _check_page(page, query.page)
    return SharedOut(items=_items(page), meta=page_meta(page))
