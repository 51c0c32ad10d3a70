"""People you may know and shared interests over the REST API (same rules as the pages).

Mounted at the API root: the paths carry their /network prefix.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from guanxi.api.auth import member_auth
from guanxi.api.pagination import PageQuery, page_past_end
from guanxi.api.schemas import ListPage, MemberCard, json_answer
from guanxi.core.errors import NotFound
from guanxi.network.suggestions import selectors as served
from guanxi.network.suggestions import services as suggestions
from guanxi.network.suggestions import shared_interests

router = Router(tags=["people you may know"], auth=member_auth)


class SuggestionOut(Schema):
    member: MemberCard
    reasons: list[str]
    mutual_count: int = Field(
        description="Connections you share with the member, as counted when your "
        "suggestions were last computed (they are recomputed soon after your own "
        "connections change, and when those of your connections change)"
    )
    mutual_connections: list[MemberCard] = Field(
        description="At most two of those shared connections, each checked to be one now"
    )


class SuggestionPage(ListPage):
    """The best suggestions, up to `limit`: one page (next is always null)."""

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


class SharedPage(ListPage):
    items: list[SharedMemberOut]


class TagMembersPage(SharedPage):
    tag: TagOut


class SuggestionsQuery(Schema):
    limit: int = Field(20, ge=1, le=served.KEEP_SERVED)


@router.get(
    "/network/suggestions",
    response=SuggestionPage,
    url_name="network_suggestions_list",
    summary="People you may know, best first, with the reasons",
)
def suggestions_list(request: HttpRequest, query: Query[SuggestionsQuery]):
    found = served.suggestions_for(request.auth, limit=query.limit)
    # SuggestionPage's dump, built directly (up to ninety cards in one answer).
    page = {
        "items": [
            {
                "member": MemberCard.dumped(item.member, request),
                "reasons": item.reasons,
                "mutual_count": item.mutual_count,
                "mutual_connections": [MemberCard.dumped(face, request) for face in item.mutuals],
            }
            for item in found
        ],
        "next": None,
        "count": None,
        "count_is": None,
    }
    return json_answer(request, page)


@router.post(
    "/network/suggestions/{user_id}/dismiss",
    response=DismissOut,
    url_name="network_suggestions_dismiss",
    summary="Never suggest this member again",
)
def suggestions_dismiss(request: HttpRequest, user_id: int):
    suggestions.dismiss_suggestion(user=request.auth, candidate_id=user_id)
    return DismissOut(user_id=user_id, dismissed=True)


def _shared_page(page, wanted: int) -> dict:
    if page.number != wanted:
        raise page_past_end(page.paginator.num_pages)
    return {
        "items": [
            {"member": item.member, "shared": item.shared, "degree": item.degree}
            for item in page.object_list
        ],
        "next": str(page.number + 1) if page.has_next() else None,
        "count": page.paginator.count,
        "count_is": page.count_is,
    }


@router.get(
    "/network/tags/{path:tag}/members",
    response=TagMembersPage,
    url_name="network_tag_members_list",
    summary="Members who share a skill or interest (by the tag's key or name)",
)
def tag_members(request: HttpRequest, tag: str, query: Query[PageQuery]):
    found = shared_interests.find_tag(tag)
    if found is None:
        raise NotFound(_("No member uses this tag."))
    wanted = query.number()
    page = shared_interests.members_sharing_tag(request.auth, found, page=wanted)
    return {
        **_shared_page(page, wanted),
        "tag": TagOut(id=found.pk, name=found.name, key=found.key),
    }


@router.get(
    "/network/shared",
    response=SharedPage,
    url_name="network_shared_list",
    summary="Members who share your skills and interests",
)
def shared(request: HttpRequest, query: Query[PageQuery]):
    wanted = query.number()
    page = shared_interests.members_sharing_my_tags(request.auth, page=wanted)
    return _shared_page(page, wanted)
