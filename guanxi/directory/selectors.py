"""Reads for the member directory and the home page.

Visibility is applied in SQL: a filter on a section only matches members who let the
viewer see that section (public for visitors; public or members for members; plus
"connections" for the viewer's connections and everything on the viewer's own
profile). Cards are built from the same rule, so hidden data is neither shown nor
discoverable by filtering.

Speed at 100k members: tag filters look the tag id up first and then use the
(kind, tag, profile) index; text filters are prefix ranges on the normalised *_key
columns; counting stops at COUNT_CAP rows so a broad filter never counts a huge join.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.lookups import Exact, GreaterThanOrEqual, In, LessThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import (
    Education,
    Experience,
    OpenTo,
    Profile,
    ProfileTag,
    Tag,
    User,
)
from guanxi.core.visibility import Visibility
from guanxi.network import selectors as network

# Count at most this many matches: beyond it the page says "1,000+" and only the first
# COUNT_CAP results can be paged through (add a filter to narrow the rest). Counting
# every match of a broad filter would cost more than the page itself.
COUNT_CAP = 1000
# Combined filters whose cheapest one still has more candidates than this are counted
# on a sample of that many candidates ("about 1,300"): intersecting two broad filters
# exactly means reading every candidate row.
COUNT_BUDGET = 4000
SKILLS_ON_CARD = 4
# Above this many connections, filter with a subquery instead of a list of ids.
CONNECTION_IDS_INLINE_MAX = 2000
MEMBER_COUNT_CACHE_SECONDS = 300

EXACT, AT_LEAST, ABOUT = "exact", "at_least", "about"

SORT_NAME = "name"
SORT_NEWEST = "newest"
SORTS = (SORT_NAME, SORT_NEWEST)
_ORDERING = {SORT_NAME: ("name_key", "pk"), SORT_NEWEST: ("-created_at", "-pk")}

# The profile columns a card needs.
_CARD_FIELDS = (
    "pk",
    "display_name",
    "headline",
    "photo",
    "city",
    "country",
    "company",
    "position",
    "open_to",
    "vis_location",
    "vis_work",
    "vis_skills",
    "vis_open_to",
    "user__username",
    "user__is_demo",
)


@dataclass(frozen=True)
class DirectoryFilters:
    """Normalised filter values ("" = not filtering on it)."""

    skill: str = ""
    interest: str = ""
    city: str = ""
    company: str = ""
    school: str = ""
    open_to: OpenTo | None = None
    q: str = ""
    sort: str = SORT_NAME

    @property
    def is_filtering(self) -> bool:
        return any(
            (self.skill, self.interest, self.city, self.company, self.school, self.open_to, self.q)
        )


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
    total_is: str  # EXACT, AT_LEAST (the count stopped at COUNT_CAP) or ABOUT (estimated)
    num_pages: int  # pages that can be browsed
    has_next: bool

    @property
    def total_exact(self) -> bool:
        return self.total_is == EXACT

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


# --- Who is looking --------------------------------------------------------------------
@dataclass(frozen=True)
class Audience:
    """The viewer as the directory sees them."""

    viewer_id: int | None
    level: int  # PUBLIC for visitors, MEMBERS for members
    connected_ids: frozenset[int] = frozenset()
    hidden_ids: frozenset[int] = frozenset()  # blocked either way

    def level_for(self, owner_id: int) -> int:
        if owner_id == self.viewer_id:
            return Visibility.ONLY_ME
        if owner_id in self.connected_ids:
            return Visibility.CONNECTIONS
        return self.level


def audience_for(viewer) -> Audience:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Audience(viewer_id=None, level=Visibility.PUBLIC)
    return Audience(
        viewer_id=viewer.pk,
        level=Visibility.MEMBERS,
        connected_ids=frozenset(network.connection_ids(viewer.pk)),
        hidden_ids=frozenset(network.blocked_either_way_ids(viewer.pk)),
    )


def section_visible(audience: Audience, section: str) -> Q:
    """Profiles whose `section` the audience may see."""
    column = f"vis_{section}"
    condition = Q(**{f"{column}__lte": audience.level})
    if audience.viewer_id is not None:
        condition |= Q(pk=audience.viewer_id)
        if audience.connected_ids:
            if len(audience.connected_ids) <= CONNECTION_IDS_INLINE_MAX:
                connected = list(audience.connected_ids)
            else:
                connected = network.connections_queryset(audience.viewer_id).values("pk")
            condition |= Q(**{f"{column}__lte": Visibility.CONNECTIONS, "pk__in": connected})
    return condition


# --- Filtering -------------------------------------------------------------------------
# A filter can be answered two ways: by *driving* from an index (the tag's holders, a
# range of city keys ...) or by *checking* each row another index produced. Which one is
# cheaper depends on the data, so `_plan` estimates each filter's candidates with cheap
# index-only counts and lets the smallest one drive; everything else only checks.
# Relative costs per visited row, measured on SQLite at 100k members: a range on a
# profile column reads the row directly; a list of profile ids (tags, schools) first
# looks each id up in the primary-key index; walking the name or date index in sort
# order touches rows at random and checks every filter on each.
# A driven page also has to sort its candidates before it can skip to the page.
ROW_COST_PROFILE_RANGE = 1.8
ROW_COST_ID_LIST = 3.5
ROW_COST_SORT = 2.0
ROW_COST_ORDERED_SCAN = 5.5


class _NoIndex(Func):
    """SQLite's unary plus: the same value, but the planner will not drive from an index
    on it. Lets a filter be checked per row instead of choosing the plan."""

    template = "+%(expressions)s"


def _column(column: str, *, drive: bool):
    if drive or connection.vendor != "sqlite":
        return F(column)
    return _NoIndex(F(column))


def _prefix(column: str, key: str, *, drive: bool = True) -> Q:
    """`column` starts with `key`, as a range the database can answer from an index.

    SQLite's LIKE is case-insensitive and cannot use our (binary) indexes; a range can.
    Keys are already casefolded, so the two mean the same here. PostgreSQL (C collation)
    answers LIKE 'x%' from a b-tree.
    """
    if connection.vendor != "sqlite":
        return Q(**{f"{column}__startswith": key})
    upper = key + "\U0010ffff"
    if drive:
        return Q(**{f"{column}__gte": key, f"{column}__lt": upper})
    lhs = _column(column, drive=False)
    return Q(GreaterThanOrEqual(lhs, key), LessThan(lhs, upper))


def _in(ids: QuerySet) -> Q:
    """pk IN (ids) that SQLite evaluates against a list it builds once, never driving."""
    return Q(In(_column("pk", drive=False), ids))


@dataclass
class _Term:
    """One filter: the visibility it needs, and the forms it can take.

    drive: lets an index produce the candidates (None: no index can).
    member: tests candidates another term produced, e.g. against a list of ids the
        database builds once (defaults to `check`).
    check: tests a row on its own, for walking the sort index (a correlated EXISTS).
    """

    visible: Q | None
    check: Q
    drive: Q | None = None
    member: Q | None = None
    estimate: QuerySet | None = None  # counts the rows `drive` would visit
    row_cost: float = ROW_COST_ID_LIST
    # Its matches sit together in name order (a name prefix): walking the name index
    # would pass every name before them, so never scan for it when sorting by name.
    clustered_by_name: bool = False
    # Its driving form joins a table that can hold several rows per member.
    distinct: bool = False
    candidates: int = 0  # filled in by _plan

    @property
    def drive_cost(self) -> float:
        return self.candidates * self.row_cost


@dataclass
class _Plan:
    terms: list[_Term]
    driver: _Term | None

    def conditions(self, *, scan: bool, without_driver: bool = False) -> list[Q]:
        """Every filter, in the form that suits walking the sort index (`scan`) or
        driving from the chosen term (optionally leaving the driving condition out)."""
        out = []
        for term in self.terms:
            if term.visible is not None:
                out.append(term.visible)
            if scan or self.driver is None:
                out.append(term.check)
            elif term is self.driver:
                if not without_driver:
                    out.append(term.drive)
            else:
                out.append(term.member or term.check)
        return out


def _tag_ids(keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    return dict(Tag.objects.filter(key__in=keys).values_list("key", "id"))


def _member_base(audience: Audience) -> QuerySet[Profile]:
    qs = Profile.objects.filter(listed=True, user__is_active=True)
    if audience.hidden_ids:
        qs = qs.exclude(pk__in=list(audience.hidden_ids))
    return qs


def _terms(audience: Audience, filters: DirectoryFilters) -> list[_Term] | None:
    """The filters as terms, or None when one names a tag nobody has."""
    terms: list[_Term] = []
    tag_ids = _tag_ids([key for key in (filters.skill, filters.interest) if key])
    for kind, key, section in (
        (ProfileTag.Kind.SKILL, filters.skill, "skills"),
        (ProfileTag.Kind.INTEREST, filters.interest, "interests"),
    ):
        if not key:
            continue
        tag_id = tag_ids.get(key)
        if tag_id is None:
            return None
        holders = ProfileTag.objects.filter(kind=kind, tag_id=tag_id)
        terms.append(
            _Term(
                visible=section_visible(audience, section),
                drive=Q(pk__in=holders.values("profile_id")),
                member=_in(holders.order_by().values("profile_id")),
                check=Q(Exists(holders.filter(profile_id=OuterRef("pk")))),
                estimate=holders,
            )
        )
    for column, key, section in (
        ("city_key", filters.city, "location"),
        ("company_key", filters.company, "work"),
    ):
        if key:
            terms.append(
                _Term(
                    visible=section_visible(audience, section),
                    drive=_prefix(column, key),
                    check=_prefix(column, key, drive=False),
                    estimate=Profile.objects.filter(_prefix(column, key)),
                    row_cost=ROW_COST_PROFILE_RANGE,
                )
            )
    if filters.school:
        alumni = Education.objects.filter(_prefix("school_key", filters.school))
        # Driving joins the school index (and stops as soon as the count is reached)
        # instead of first listing every alumnus; two degrees from one school make
        # two rows, hence DISTINCT.
        school_range = _prefix("educations__school_key", filters.school)
        terms.append(
            _Term(
                visible=section_visible(audience, "education"),
                drive=school_range,
                distinct=True,
                member=_in(alumni.order_by().values("profile_id")),
                check=Q(Exists(alumni.filter(profile_id=OuterRef("pk")))),
                estimate=alumni,
            )
        )
    if filters.open_to:
        bit = int(filters.open_to)
        terms.append(
            _Term(
                visible=section_visible(audience, "open_to"),
                check=Q(Exact(F("open_to").bitand(bit), bit)),
            )
        )
    if filters.q:
        # Name and handle are always visible: no section to check. The two prefixes are
        # one list of ids (a UNION), which both databases answer from two index ranges;
        # "name LIKE .. OR id IN (..)" makes PostgreSQL read every profile.
        handle = filters.q.lstrip("@")
        named = Profile.objects.filter(_prefix("name_key", filters.q)).values("pk")
        handled = User.objects.filter(_prefix("username", handle)).values("pk")
        terms.append(
            _Term(
                visible=None,
                drive=Q(pk__in=named.union(handled)),
                check=_prefix("name_key", filters.q, drive=False)
                | _prefix("user__username", handle, drive=False),
                estimate=Profile.objects.filter(_prefix("name_key", filters.q)),
                row_cost=ROW_COST_ID_LIST,
                clustered_by_name=True,
            )
        )
    return terms


def _plan(audience: Audience, filters: DirectoryFilters) -> _Plan | None:
    terms = _terms(audience, filters)
    if terms is None:
        return None
    drivable = [term for term in terms if term.drive is not None]
    for term in drivable:
        term.candidates = term.estimate.count() if term.estimate is not None else 0
    driver = min(drivable, key=lambda term: term.drive_cost, default=None)
    return _Plan(terms=terms, driver=driver)


def _matches(plan: _Plan, total: int, kind: str) -> float:
    """How many members match. A capped count only says "at least COUNT_CAP"; the
    driver's candidates bound it from above, so take the geometric mean of the two."""
    if kind != AT_LEAST or plan.driver is None or plan.driver.candidates <= total:
        return max(total, 1)
    return math.sqrt(total * plan.driver.candidates)


def _count(qs: QuerySet[Profile]) -> tuple[int, str]:
    counted = qs.order_by()[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), EXACT if counted <= COUNT_CAP else AT_LEAST


def _counted(base: QuerySet[Profile], plan: _Plan) -> QuerySet[Profile]:
    qs = base.filter(*plan.conditions(scan=False))
    if plan.driver is not None and plan.driver.distinct:
        qs = qs.values("pk").distinct()
    return qs


def _round_estimate(value: float) -> int:
    """Two significant figures: an estimate should not look precise."""
    if value < 100:
        return max(1, round(value))
    magnitude = 10 ** (len(str(int(value))) - 2)
    return int(round(value / magnitude) * magnitude)


def _total(base: QuerySet[Profile], plan: _Plan | None) -> tuple[int, str]:
    if plan is None:
        return 0, EXACT
    driver = plan.driver
    if driver is None or driver.candidates <= COUNT_BUDGET or len(plan.terms) < 2:
        return _count(_counted(base, plan))
    # Examine the first COUNT_BUDGET candidates of the driving filter, flagging those
    # that pass every other condition.
    rest = plan.conditions(scan=False, without_driver=True)
    sample = (
        base.filter(driver.drive)
        .annotate(hit=ExpressionWrapper(Q(*rest), output_field=BooleanField()))
        .values("pk", "hit")
        .order_by()
    )
    if driver.distinct:
        sample = sample.distinct()
    sql, params = sample[:COUNT_BUDGET].query.sql_with_params()
    hit = connection.ops.quote_name("hit")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {hit} THEN 1 ELSE 0 END), 0) "  # noqa: S608 - Django-built SQL with its params
            f"FROM ({sql}) sample",
            params,
        )
        examined, hits = cursor.fetchone()
    if examined < COUNT_BUDGET:  # every candidate was examined: the count is exact
        return min(hits, COUNT_CAP), EXACT if hits <= COUNT_CAP else AT_LEAST
    if hits == 0:  # too rare to estimate from a sample: count them all
        return _count(_counted(base, plan))
    estimate = hits * driver.candidates / examined
    if estimate >= COUNT_CAP:
        return COUNT_CAP, AT_LEAST
    return _round_estimate(estimate), ABOUT


def directory_search(
    *, viewer, filters: DirectoryFilters, page: int = 1, page_size: int = 24
) -> DirectoryPage:
    """One page of the directory for `viewer`. Raises PageOutOfRange past the end."""
    audience = audience_for(viewer)
    plan = _plan(audience, filters)
    base = _member_base(audience)
    total, total_is = _total(base, plan)
    if total_is == AT_LEAST:
        num_pages = COUNT_CAP // page_size
    else:
        num_pages = max(1, math.ceil(total / page_size))
    if page < 1 or page > num_pages:
        raise PageOutOfRange(num_pages)
    rows: list[dict] = []
    if plan is not None and total:
        rows = _page_rows(base, plan, filters, total, total_is, page, page_size)
        if not rows and total_is == ABOUT and page > 1:
            # The estimate promised more pages than there are: count for real.
            total, total_is = _count(_counted(base, plan))
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


def _page_rows(
    base: QuerySet[Profile],
    plan: _Plan,
    filters: DirectoryFilters,
    total: int,
    total_is: str,
    page: int,
    page_size: int,
) -> list[dict]:
    offset = (page - 1) * page_size
    # Walking the sort index finds a page after about (offset + size) / density rows;
    # driving visits every candidate and then sorts them. Take the cheaper.
    clustered = filters.sort == SORT_NAME and any(t.clustered_by_name for t in plan.terms)
    scan = plan.driver is None or (
        not clustered
        and (offset + page_size + 1)
        * _profile_estimate()
        / _matches(plan, total, total_is)
        * ROW_COST_ORDERED_SCAN
        < plan.driver.candidates * (plan.driver.row_cost + ROW_COST_SORT)
    )
    matching = base.filter(*plan.conditions(scan=scan))
    if not scan and plan.driver is not None and plan.driver.distinct:
        matching = matching.distinct()
    ordered = matching.order_by(*_ORDERING.get(filters.sort, _ORDERING[SORT_NAME]))
    return list(ordered.values(*_CARD_FIELDS)[offset : offset + page_size + 1])


# --- Cards -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Named:
    display_name: str


def _initials(display_name: str) -> str:
    # The profile's own rule, without building a model instance per card.
    return Profile.initials.fget(_Named(display_name))


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
                url=reverse("profile", kwargs={"handle": row["user__username"]}),
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
    qs = _member_base(audience)
    if audience.viewer_id is not None:
        qs = qs.exclude(pk=audience.viewer_id)
    rows = list(qs.order_by("-created_at", "-pk").values(*_CARD_FIELDS)[:limit])
    return _cards(audience, rows)


def member_count() -> int:
    """How many members the directory lists (cached: it counts a big join)."""
    key = "directory:member-count"
    count = cache.get(key)
    if count is None:
        count = Profile.objects.filter(listed=True, user__is_active=True).count()
        cache.set(key, count, MEMBER_COUNT_CACHE_SECONDS)
    return count


def _profile_estimate() -> int:
    """Roughly how many profiles exist, for the planner (an index-only count, cached)."""
    key = "directory:profile-estimate"
    count = cache.get(key)
    if count is None:
        count = Profile.objects.count()
        cache.set(key, count, MEMBER_COUNT_CACHE_SECONDS)
    return max(count, 1)


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # the profile-editor section it links to
    label: str
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
