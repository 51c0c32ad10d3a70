"""GET /api/v1/members: the directory search, with the page's filters and visibility."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from guanxi.api.auth import session_auth, token_auth
from guanxi.api.pagination import CURSOR_MAX, page_number
from guanxi.api.schemas import MemberPage
from guanxi.core.errors import Invalid
from guanxi.directory import selectors
from guanxi.directory.forms import DirectoryFilterForm


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
    cursor: str | None = Field(
        None, max_length=CURSOR_MAX, description="The `next` of the previous page."
    )
    page: int | None = Field(None, description="Jump to this page number, from 1.")


@router.get("", response=MemberPage, summary="Search the member directory")
def search_members(request: HttpRequest, params: Query[DirectoryQuery]):
    """Listed members matching every filter, on sections the caller may see. Anonymous
    callers search public sections only. Paged by number: `count_is` says whether
    `count` is exact, a floor (at_least: only the first 1,000 can be paged through) or
    an estimate (about)."""
    fields = params.model_dump(exclude_none=True, exclude={"cursor"})
    if params.page is None:
        fields["page"] = page_number(params.cursor)
    form = DirectoryFilterForm(fields)
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
    return {
        "items": result.items,
        "next": str(result.page + 1) if result.has_next else None,
        "count": result.total,
        "count_is": result.total_is,
    }
