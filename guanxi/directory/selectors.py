"""Reads for the member directory and the home page.

Visibility is applied in SQL with accounts' rule (`Audience.q`): a filter on a section
only matches members who let the viewer see that section, and the cards come from
accounts' `member_cards`, which applies the same rule, so hidden data is neither shown
nor discoverable by filtering. How the search runs fast at 100k members is
`query_plan`'s business.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.models import Education, Experience, Profile, ProfileTag, User
from guanxi.accounts.selectors import MemberCard, member_cards, member_cards_of
from guanxi.accounts.visibility import audience_of, hidden_member_ids
from guanxi.directory import query_plan
from guanxi.directory.filters import SORT_NAME, SORT_NEWEST, SORTS, DirectoryFilters
from guanxi.directory.member_count import member_count

__all__ = [
    "SORTS",
    "SORT_NAME",
    "SORT_NEWEST",
    "DirectoryFilters",
    "DirectoryPage",
    "MemberCard",
    "PageOutOfRange",
    "directory_search",
    "member_count",
    "newest_member_ids",
    "newest_members",
    "profile_completeness",
]


@dataclass(frozen=True)
class DirectoryPage:
    items: list[MemberCard]
    page: int
    page_size: int
    total: int
    total_is: str  # "exact", "at_least" (the count stopped at the cap) or "about" (estimated)
    num_pages: int  # pages that can be browsed
    has_next: bool

    @property
    def total_exact(self) -> bool:
        return self.total_is == query_plan.EXACT

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def page_range(self) -> list[int | None]:
        """Page numbers around the current one, None for a gap (1 … 4 5 6 … 20)."""
        wanted = {1, self.num_pages, *range(self.page - 2, self.page + 3)}
        pages = sorted(p for p in wanted if 1 <= p <= self.num_pages)
        out: list[int | None] = []
        for number in pages:
            if out and number - (out[-1] or 0) > 1:
                out.append(None)
            out.append(number)
        return out


class PageOutOfRange(Exception):
    def __init__(self, last_page: int):
        super().__init__(last_page)
        self.last_page = last_page


def directory_search(
    *, viewer, filters: DirectoryFilters, page: int = 1, page_size: int = 24
) -> DirectoryPage:
    """One page of the directory for `viewer`. Raises PageOutOfRange past the end."""
    plan = query_plan.plan_search(audience_of(viewer), filters)
    base = query_plan.member_base(hidden_member_ids(viewer))
    if plan is not None and query_plan.sorts_every_candidate(plan, filters, page, page_size):
        ids, counted = query_plan.page_ids_and_total(base, plan, filters, page, page_size)
        if ids or page == 1:  # else past the end: counted below, to find the last page
            total, total_is = (
                (counted, query_plan.EXACT)
                if counted <= query_plan.COUNT_CAP
                else (query_plan.COUNT_CAP, query_plan.AT_LEAST)
            )
            num_pages = _num_pages(total, total_is, page_size)
            if page > num_pages:
                raise PageOutOfRange(num_pages)
            # `ids` are in the search's order, and blocks are out of `base` already.
            cards = member_cards(
                viewer=viewer, ids=ids, first_skill=filters.skill, keep_blocked=True
            )
            return _page(cards, page, page_size, total, total_is, num_pages)
    total, total_is = query_plan.count_matches(base, plan)
    num_pages = _num_pages(total, total_is, page_size)
    if page < 1 or page > num_pages:
        raise PageOutOfRange(num_pages)
    rows: list[MemberCard] = []
    if plan is not None and total:
        found = query_plan.page_rows(base, plan, filters, total, total_is, page, page_size)
        # The page query fetches the cards too (blocks are out of `base` already).
        rows = member_cards_of(found, viewer=viewer, first_skill=filters.skill)
        if not rows and total_is == query_plan.ABOUT and page > 1:
            # The estimate promised more pages than there are: count for real.
            total, total_is = query_plan.count_capped(query_plan.countable(base, plan))
            raise PageOutOfRange(max(1, math.ceil(total / page_size)))
    return _page(rows, page, page_size, total, total_is, num_pages)


def _num_pages(total: int, total_is: str, page_size: int) -> int:
    if total_is == query_plan.AT_LEAST:
        return query_plan.COUNT_CAP // page_size
    return max(1, math.ceil(total / page_size))


def _page(
    rows: list[MemberCard], page: int, page_size: int, total: int, total_is: str, num_pages: int
) -> DirectoryPage:
    """`rows`: the page's cards plus one more if there is a next page."""
    return DirectoryPage(
        items=rows[:page_size],
        page=page,
        page_size=page_size,
        total=total,
        total_is=total_is,
        num_pages=num_pages,
        has_next=len(rows) > page_size and page < num_pages,
    )


# --- Home page ---------------------------------------------------------------------------
def _newest(viewer, limit: int) -> QuerySet[Profile]:
    qs = query_plan.member_base(hidden_member_ids(viewer))
    if viewer is not None and viewer.is_authenticated:
        qs = qs.exclude(pk=viewer.pk)
    return qs.order_by("-created_at", "-pk")[:limit]


def newest_members(viewer, *, limit: int = 6) -> list[MemberCard]:
    """The most recently joined listed members, as `viewer` may see them."""
    return member_cards_of(_newest(viewer, limit), viewer=viewer)


def newest_member_ids(viewer, *, limit: int = 6) -> list[int]:
    """newest_members' ids, for a page that builds their cards with others (the
    members blocked either way are left out)."""
    return list(_newest(viewer, limit).values_list("pk", flat=True))


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # the profile-editor section it links to
    label: str  # in the language of the request that asked
    done: bool
    url: str = ""  # that section's editor (site-relative)


@dataclass(frozen=True)
class Completeness:
    items: list[ChecklistItem]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.items)) if self.items else 100

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.done]

    @property
    def ordered(self) -> list[ChecklistItem]:
        """What is left to do first, then what is done."""
        return self.missing + [item for item in self.items if item.done]


def profile_completeness(*, user: User) -> tuple[Profile | None, Completeness]:
    """The member's profile and which parts of it are filled in, in one query (raw SQL:
    the home page asks on every visit, and the ORM took longer to build its four EXISTS
    than the database took to answer them)."""
    q = connection.ops.quote_name
    tags, experience, education = (
        q(model._meta.db_table) for model in (ProfileTag, Experience, Education)
    )
    found = list(
        Profile.objects.raw(
            f"SELECT p.*, "  # noqa: S608 - model tables
            f"EXISTS (SELECT 1 FROM {tags} WHERE profile_id = p.user_id AND kind = %s) AS has_skills, "
            f"EXISTS (SELECT 1 FROM {tags} WHERE profile_id = p.user_id AND kind = %s) AS has_interests, "
            f"EXISTS (SELECT 1 FROM {experience} WHERE profile_id = p.user_id) AS has_experience, "
            f"EXISTS (SELECT 1 FROM {education} WHERE profile_id = p.user_id) AS has_education "
            f"FROM {q(Profile._meta.db_table)} p WHERE p.user_id = %s",
            [ProfileTag.Kind.SKILL.value, ProfileTag.Kind.INTEREST.value, user.pk],
        )
    )
    if not found:
        return None, Completeness(items=[])
    profile = found[0]
    # The query's EXISTS columns, set on the instance by raw().
    has = {
        name: bool(getattr(profile, f"has_{name}"))
        for name in ("experience", "education", "skills", "interests")
    }
    # One reverse() for the nine links: each is the editor's URL with its section's slug.
    head, _sep, tail = reverse(
        "profile_edit_section", kwargs={"section": "x-section-x"}
    ).rpartition("x-section-x")

    def item(key: str, label: str, done: bool) -> ChecklistItem:
        return ChecklistItem(key, label, done, url=f"{head}{key}{tail}")

    items = [
        item("basics", _("Add a headline"), bool(profile.headline)),
        item("photo", _("Upload a photo"), bool(profile.photo)),
        item("about", _("Write a few lines about yourself"), bool(profile.about)),
        item("location", _("Say where you are based"), bool(profile.city)),
        item("work", _("Add your current work"), bool(profile.company or profile.position)),
        item("experience", _("Add your experience"), has["experience"]),
        item("education", _("Add your education"), has["education"]),
        item("skills", _("List your skills"), has["skills"]),
        item("interests", _("Share your interests"), has["interests"]),
    ]
    return profile, Completeness(items=items)
