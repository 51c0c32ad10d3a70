"""Reads for the member directory and the home page.

Visibility is applied in SQL (`audience.section_visible`): a filter on a section only
matches members who let the viewer see that section, and cards are built by the same
rule, so hidden data is neither shown nor discoverable by filtering. How the search
runs fast at 100k members is `query_plan`'s business.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Education, Experience, OpenTo, Profile, ProfileTag, User
from guanxi.directory import query_plan
from guanxi.directory.audience import Audience, audience_for
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
    "newest_members",
    "profile_completeness",
]

SKILLS_ON_CARD = 4


@dataclass(frozen=True)
class Photo:
    url: str


@dataclass(frozen=True)
class MemberCard:
    """What a viewer may see of a member on a card: hidden sections are empty."""

    user_id: int
    handle: str
    url: str  # the profile page
    display_name: str
    headline: str
    initials: str
    photo: Photo | None
    is_demo: bool
    city: str = ""
    country: str = ""
    company: str = ""
    position: str = ""
    skills: list[str] = field(default_factory=list)
    open_to: list[OpenTo] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.city or self.country


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
    audience = audience_for(viewer)
    plan = query_plan.plan_search(audience, filters)
    base = query_plan.member_base(audience)
    total, total_is = query_plan.count_matches(base, plan)
    if total_is == query_plan.AT_LEAST:
        num_pages = query_plan.COUNT_CAP // page_size
    else:
        num_pages = max(1, math.ceil(total / page_size))
    if page < 1 or page > num_pages:
        raise PageOutOfRange(num_pages)
    rows: list[dict] = []
    if plan is not None and total:
        rows = query_plan.page_rows(base, plan, filters, total, total_is, page, page_size)
        if not rows and total_is == query_plan.ABOUT and page > 1:
            # The estimate promised more pages than there are: count for real.
            total, total_is = query_plan.count_capped(query_plan.countable(base, plan))
            raise PageOutOfRange(max(1, math.ceil(total / page_size)))
    has_next = len(rows) > page_size and page < num_pages
    items = _cards(audience, rows[:page_size], first_skill=filters.skill)
    return DirectoryPage(
        items=items,
        page=page,
        page_size=page_size,
        total=total,
        total_is=total_is,
        num_pages=num_pages,
        has_next=has_next,
    )


# --- Cards -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Named:
    display_name: str


def _initials(display_name: str) -> str:
    # The profile's own rule, without building a model instance per card.
    # mypy reads a property looked up on the class as its getter function.
    return Profile.initials.fget(_Named(display_name))  # type: ignore[attr-defined]


def _skills_by_profile(ids: Iterable[int], first_key: str = "") -> dict[int, list[str]]:
    """Up to SKILLS_ON_CARD skill names per profile, in the member's order, the skill
    being searched for first. One query."""
    rows = (
        ProfileTag.objects.filter(profile_id__in=list(ids), kind=ProfileTag.Kind.SKILL)
        .order_by("profile_id", "position", "id")
        .values_list("profile_id", "tag__name", "tag__key")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for profile_id, name, key in rows:
        if first_key and key == first_key:
            names[profile_id].insert(0, name)
        else:
            names[profile_id].append(name)
    return {pid: skills[:SKILLS_ON_CARD] for pid, skills in names.items()}


def _cards(audience: Audience, rows: list[dict], *, first_skill: str = "") -> list[MemberCard]:
    # Handles are [a-z0-9_]: build profile URLs around one reverse() instead of one each.
    url_head, _sep, url_tail = reverse("profile", kwargs={"handle": "~"}).partition("~")
    levels = {row["pk"]: audience.level_for(row["pk"]) for row in rows}
    with_skills = [row["pk"] for row in rows if row["vis_skills"] <= levels[row["pk"]]]
    skills = _skills_by_profile(with_skills, first_skill) if with_skills else {}
    cards = []
    for row in rows:
        level = levels[row["pk"]]
        location = row["vis_location"] <= level
        work = row["vis_work"] <= level
        cards.append(
            MemberCard(
                user_id=row["pk"],
                handle=row["user__username"],
                url=f"{url_head}{row['user__username']}{url_tail}",
                display_name=row["display_name"],
                headline=row["headline"],
                initials=_initials(row["display_name"]),
                photo=Photo(default_storage.url(row["photo"])) if row["photo"] else None,
                is_demo=row["user__is_demo"],
                city=row["city"] if location else "",
                country=row["country"] if location else "",
                company=row["company"] if work else "",
                position=row["position"] if work else "",
                skills=skills.get(row["pk"], []),
                open_to=OpenTo.from_mask(row["open_to"]) if row["vis_open_to"] <= level else [],
            )
        )
    return cards


# --- Home page ---------------------------------------------------------------------------
def newest_members(viewer, *, limit: int = 6) -> list[MemberCard]:
    """The most recently joined listed members, as `viewer` may see them."""
    audience = audience_for(viewer)
    qs = query_plan.member_base(audience)
    if audience.viewer_id is not None:
        qs = qs.exclude(pk=audience.viewer_id)
    rows = list(qs.order_by("-created_at", "-pk").values(*query_plan.CARD_FIELDS)[:limit])
    return _cards(audience, rows)


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # the profile-editor section it links to
    label: str | Promise  # translated when shown
    done: bool


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
    """The member's profile and which parts of it are filled in, in one query."""
    tags = ProfileTag.objects.filter(profile=OuterRef("pk"))
    profile = (
        Profile.objects.filter(pk=user.pk)
        .annotate(
            has_skills=Exists(tags.filter(kind=ProfileTag.Kind.SKILL)),
            has_interests=Exists(tags.filter(kind=ProfileTag.Kind.INTEREST)),
            has_experience=Exists(Experience.objects.filter(profile=OuterRef("pk"))),
            has_education=Exists(Education.objects.filter(profile=OuterRef("pk"))),
        )
        .first()
    )
    if profile is None:
        return None, Completeness(items=[])
    items = [
        ChecklistItem("basics", _("Add a headline"), bool(profile.headline)),
        ChecklistItem("photo", _("Upload a photo"), bool(profile.photo)),
        ChecklistItem("about", _("Write a few lines about yourself"), bool(profile.about)),
        ChecklistItem("location", _("Say where you are based"), bool(profile.city)),
        ChecklistItem(
            "work", _("Add your current work"), bool(profile.company or profile.position)
        ),
        ChecklistItem("experience", _("Add your experience"), profile.has_experience),
        ChecklistItem("education", _("Add your education"), profile.has_education),
        ChecklistItem("skills", _("List your skills"), profile.has_skills),
        ChecklistItem("interests", _("Share your interests"), profile.has_interests),
    ]
    return profile, Completeness(items=items)
