"""GET /api/v1/members: the directory search, with the page's filters and visibility."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from guanxi.api.auth import session_auth, token_auth
from guanxi.core.errors import Invalid
from guanxi.directory import selectors
from guanxi.directory.forms import DirectoryFilterForm
from guanxi.directory.selectors import MemberCard


def anonymous_visitor(request: HttpRequest):
    """Let requests without credentials through as visitors (public sections only).
    A request that sends an Authorization header must authenticate with it."""
    if request.headers.get("Authorization"):
        return None
    return True


router = Router(tags=["directory"], auth=[token_auth, session_auth, anonymous_visitor])


class DirectoryQuery(Schema):
    q: str | None = Field(None, description="Start of a member's display name or handle.")
    skill: str | None = Field(None, description="A skill, matched case-insensitively.")
    interest: str | None = Field(None, description="An interest, matched case-insensitively.")
    city: str | None = Field(
        None,
        description="A city in English or Chinese (Shanghai, 上海, 沪), matched as one place; "
        "text that names no known place matches the start of the city as written.",
    )
    company: str | None = Field(None, description="Start of the current company's name.")
    school: str | None = Field(None, description="Start of a school's name.")
    open_to: str | None = Field(
        None,
        description="One of: new_job, hiring, mentoring, being_mentored, collaborations, "
        "speaking, business_leads, partnerships.",
    )
    sort: str | None = Field(None, description="name (default) or newest.")
    page: int = Field(1, description="Page number, from 1.")


class DirectoryMember(Schema):
    handle: str
    display_name: str
    headline: str
    url: str = Field(description="The member's profile page.")
    photo_url: str | None
    is_demo: bool
    # Sections the caller may not see (or the member left empty) are null / empty.
    city: str | None
    country: str | None
    company: str | None
    position: str | None
    skills: list[str] = Field(description="Up to four of the member's skills.")
    open_to: list[str]


class MembersPage(Schema):
    items: list[DirectoryMember]
    page: int
    page_size: int
    total: int = Field(description="How many members match (see total_is).")
    total_is: Literal["exact", "at_least", "about"] = Field(
        description="exact; at_least: counting stopped at 1,000; about: estimated from a "
        "sample (broad filters combined on a large community)."
    )
    has_next: bool


def _member_out(card: MemberCard) -> DirectoryMember:
    return DirectoryMember(
        handle=card.handle,
        display_name=card.display_name,
        headline=card.headline,
        url=card.url,
        photo_url=card.photo.url if card.photo else None,
        is_demo=card.is_demo,
        city=card.city or None,
        country=card.country or None,
        company=card.company or None,
        position=card.position or None,
        skills=card.skills,
        open_to=[item.slug for item in card.open_to],
    )


@router.get("", response=MembersPage, summary="Search the member directory")
def search_members(request: HttpRequest, params: Query[DirectoryQuery]):
    """Listed members matching every filter, on sections the caller may see. Anonymous
    callers search public sections only."""
    form = DirectoryFilterForm(params.model_dump(exclude_none=True))
    if not form.is_valid():
        raise Invalid(fields={name: list(errors) for name, errors in form.errors.items()})
    page_size = settings.GUANXI_DIRECTORY_PAGE_SIZE
    try:
        result = selectors.directory_search(
            viewer=request.user,
            filters=form.filters(),
            page=form.requested_page(),
            page_size=page_size,
        )
    except selectors.PageOutOfRange as exc:
        raise Invalid(
            fields={"page": [_("The last page is %(last)d.") % {"last": exc.last_page}]}
        ) from None
    return MembersPage(
        items=[_member_out(card) for card in result.items],
        page=result.page,
        page_size=page_size,
        total=result.total,
        total_is=result.total_is,
        has_next=result.has_next,
    )
