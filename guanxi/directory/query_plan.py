"""How a directory search runs: which index drives, how matches are counted, and how a
page is fetched. See docs/DESIGN-directory.md ("The query plan").

A filter can be answered by *driving* from an index (the tag's holders, a range of
city keys ...) or by *checking* each row another index produced. Which one is cheaper
depends on the data, and SQLite's planner cannot tell (it keeps no per-value
statistics), so `plan_search` estimates each filter's candidates with index-only counts
and lets the cheapest one drive; the others only check.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.lookups import Exact, GreaterThanOrEqual, In, LessThan

from guanxi.accounts.models import Education, Profile, ProfileTag, Tag, User
from guanxi.accounts.visibility import Audience
from guanxi.directory.filters import SORT_NAME, SORT_NEWEST, DirectoryFilters
from guanxi.places.selectors import place_id_for_key

# Count at most this many matches: beyond it the page says "1,000+" and only the first
# COUNT_CAP results can be paged through (add a filter to narrow the rest). Counting
# every match of a broad filter would cost more than the page itself.
COUNT_CAP = 1000
# Combined filters whose cheapest one still has more candidates than this are counted
# on a sample of that many candidates ("about 1,300"): intersecting two broad filters
# exactly means reading every candidate row.
COUNT_BUDGET = 2500
# The sample starts with this many candidates; when they already show twice the cap
# (from enough hits to trust), the count is "1,000+" without examining the rest.
FIRST_SAMPLE = 500
FIRST_SAMPLE_MIN_HITS = 20
ESTIMATE_CACHE_SECONDS = 300

EXACT, AT_LEAST, ABOUT = "exact", "at_least", "about"

ORDERING = {SORT_NAME: ("name_key", "pk"), SORT_NEWEST: ("-created_at", "-pk")}

# Relative costs per visited row, measured on SQLite at 100k members: a range on a
# profile column reads the row directly; a list of profile ids (tags, schools) first
# looks each id up in the primary-key index; walking the name or date index in sort
# order touches rows at random and checks every filter on each.
# A driven page also has to sort its candidates before it can skip to the page.
ROW_COST_PROFILE_RANGE = 1.8
ROW_COST_ID_LIST = 3.5
ROW_COST_SORT = 2.0
ROW_COST_ORDERED_SCAN = 5.5
# Testing the candidates of the driving filter against another filter: either a list of
# that filter's members, read from its index into memory once (per entry), or an index
# probe per candidate (the EXISTS form). A common tag's list (30,000 members) cost more
# than probing the 2,500 rows a count examines.
ROW_COST_LIST_ENTRY = 0.4
ROW_COST_PROBE = 1.5
# From this offset a page walked in index order is found by its ids first (see
# page_rows): each skipped row's card columns cost about 4 µs, the second lookup of
# the page's rows about 0.4 ms.
DEFER_FROM_OFFSET = 96


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


def _equals(column: str, value, *, drive: bool = True) -> Q:
    """`column` = `value`, in the form that drives from the column's index or not."""
    return Q(Exact(_column(column, drive=drive), value))


def _in(ids: QuerySet) -> Q:
    """pk IN (ids) that SQLite evaluates against a list it builds once, never driving."""
    return Q(In(_column("pk", drive=False), ids))


@dataclass
class Term:
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
    # Drives a query that reads every candidate anyway (a page sorted after driving);
    # defaults to `drive`. A join that needs DISTINCT stops early when counting, but a
    # semi-join is cheaper when all of them are read.
    drive_all: Q | None = None
    estimate: QuerySet | None = None  # counts the rows `drive` would visit
    estimate_key: str = ""  # names the estimate in the cache
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
class Plan:
    terms: list[Term]
    driver: Term | None

    def conditions(
        self,
        *,
        scan: bool,
        without_driver: bool = False,
        examined: float = 0,
        reads_all: bool = False,
    ) -> list[Q]:
        """Every filter, in the form that suits walking the sort index (`scan`) or
        driving from the chosen term (optionally leaving the driving condition out).

        Driving, the other filters test each of the driver's candidates the query
        `examined` (at most; by default all of them) against a list or by a probe,
        whichever costs less; `reads_all` says the query reads every candidate anyway.
        """
        examined = examined or (self.driver.candidates if self.driver else 0)
        out = []
        for term in self.terms:
            if term.visible is not None:
                out.append(term.visible)
            if scan or self.driver is None:
                out.append(term.check)
            elif term is self.driver:
                if not without_driver:
                    out.append(term.drive_all or term.drive if reads_all else term.drive)
            elif term.member is not None and (
                term.candidates * ROW_COST_LIST_ENTRY < examined * ROW_COST_PROBE
            ):
                out.append(term.member)
            else:
                out.append(term.check)
        return out


def profile_estimate() -> int:
    """Roughly how many profiles exist, for the planner (an index-only count, cached)."""
    key = "directory:profile-estimate"
    count = cache.get(key)
    if count is None:
        count = Profile.objects.count()
        cache.set(key, count, ESTIMATE_CACHE_SECONDS)
    return max(count, 1)


def _tag_ids(keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    return dict(Tag.objects.filter(key__in=keys).values_list("key", "id"))


def member_base(hidden_ids: set[int]) -> QuerySet[Profile]:
    """Listed, active members, without those hidden from the viewer (blocks either way:
    a handful, hence a list)."""
    qs = Profile.objects.filter(listed=True, user__is_active=True)
    if hidden_ids:
        qs = qs.exclude(pk__in=sorted(hidden_ids))
    return qs


def _city_term(audience: Audience, key: str) -> Term:
    """Members in the place the text names ("上海", "沪", "shanghai": one place, in
    whichever language they wrote it), and members whose city starts with the text
    (places the gazetteer lacks, and the start of a name: "shang")."""
    place_id = place_id_for_key(key)
    drive = _prefix("city_key", key)
    check = _prefix("city_key", key, drive=False)
    if place_id is not None:
        drive |= _equals("place_id", place_id)
        check |= _equals("place_id", place_id, drive=False)
    return Term(
        visible=audience.q("location"),
        drive=drive,
        check=check,
        estimate=Profile.objects.filter(drive),
        estimate_key=f"city:{place_id}:{key}",
        row_cost=ROW_COST_PROFILE_RANGE,
    )


def _terms(audience: Audience, filters: DirectoryFilters) -> list[Term] | None:
    """The filters as terms, or None when one names a tag nobody has."""
    terms: list[Term] = []
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
        # On SQLite a join walks the tag's index and stops when a count or a page has
        # enough rows; `pk IN (...)` first lists every holder (a common skill's 30,000
        # took longer than the rest of the search). A member holds a tag once: no
        # DISTINCT. PostgreSQL plans the semi-join as well.
        terms.append(
            Term(
                visible=audience.q(section),
                drive=Q(profile_tags__kind=kind, profile_tags__tag_id=tag_id)
                if connection.vendor == "sqlite"
                else Q(pk__in=holders.values("profile_id")),
                member=_in(holders.order_by().values("profile_id")),
                check=Q(Exists(holders.filter(profile_id=OuterRef("pk")))),
                estimate=holders,
                estimate_key=f"{kind}:{tag_id}",
            )
        )
    if filters.city:
        terms.append(_city_term(audience, filters.city))
    for column, key, section in (("company_key", filters.company, "work"),):
        if key:
            terms.append(
                Term(
                    visible=audience.q(section),
                    drive=_prefix(column, key),
                    check=_prefix(column, key, drive=False),
                    estimate=Profile.objects.filter(_prefix(column, key)),
                    estimate_key=f"{column}:{key}",
                    row_cost=ROW_COST_PROFILE_RANGE,
                )
            )
    if filters.school:
        alumni = Education.objects.filter(_prefix("school_key", filters.school))
        # On SQLite, driving joins the school index (and stops as soon as the count is
        # reached) instead of first listing every alumnus; two degrees from one school
        # make two rows, hence DISTINCT. PostgreSQL does better with a plain semi-join
        # (a DISTINCT makes it walk the education table in member order).
        joined = connection.vendor == "sqlite"
        semi_join = Q(pk__in=alumni.values("profile_id"))
        terms.append(
            Term(
                visible=audience.q("education"),
                drive=_prefix("educations__school_key", filters.school) if joined else semi_join,
                drive_all=semi_join,
                distinct=joined,
                member=_in(alumni.order_by().values("profile_id")),
                check=Q(Exists(alumni.filter(profile_id=OuterRef("pk")))),
                estimate=alumni,
                estimate_key=f"school:{filters.school}",
            )
        )
    if filters.open_to:
        bit = int(filters.open_to)
        terms.append(
            Term(
                visible=audience.q("open_to"),
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
            Term(
                visible=None,
                drive=Q(pk__in=named.union(handled)),
                check=_prefix("name_key", filters.q, drive=False)
                | _prefix("user__username", handle, drive=False),
                estimate=Profile.objects.filter(_prefix("name_key", filters.q)),
                estimate_key=f"q:{filters.q}",
                row_cost=ROW_COST_ID_LIST,
                clustered_by_name=True,
            )
        )
    return terms


def _estimate_candidates(terms: list[Term]) -> None:
    """Fill in each term's candidate count: an index-only count, cached for a while
    (planning only needs the order of magnitude)."""
    keyed = [
        (term, "directory:estimate:" + hashlib.sha256(term.estimate_key.encode()).hexdigest()[:32])
        for term in terms
        if term.estimate is not None
    ]
    cached = cache.get_many([key for _term, key in keyed])
    fresh = {}
    for term, key in keyed:
        if key not in cached:
            cached[key] = fresh[key] = term.estimate.count()
        term.candidates = cached[key]
    if fresh:
        cache.set_many(fresh, ESTIMATE_CACHE_SECONDS)


def plan_search(audience: Audience, filters: DirectoryFilters) -> Plan | None:
    """The filters as terms with the cheapest driver chosen; None when nothing can match."""
    terms = _terms(audience, filters)
    if terms is None:
        return None
    drivable = [term for term in terms if term.drive is not None]
    _estimate_candidates(drivable)
    driver = min(drivable, key=lambda term: term.drive_cost, default=None)
    return Plan(terms=terms, driver=driver)


def _matches(plan: Plan, total: int, kind: str) -> float:
    """How many members match. A capped count only says "at least COUNT_CAP"; the
    driver's candidates bound it from above, so take the geometric mean of the two."""
    if kind != AT_LEAST or plan.driver is None or plan.driver.candidates <= total:
        return max(total, 1)
    return math.sqrt(total * plan.driver.candidates)


def count_capped(qs: QuerySet[Profile]) -> tuple[int, str]:
    """(count, EXACT) up to COUNT_CAP, else (COUNT_CAP, AT_LEAST): stops reading there."""
    counted = qs.order_by()[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), EXACT if counted <= COUNT_CAP else AT_LEAST


def countable(base: QuerySet[Profile], plan: Plan) -> QuerySet[Profile]:
    """The matches in the form that counts cheaply (driven, one row per member)."""
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


def count_matches(base: QuerySet[Profile], plan: Plan | None) -> tuple[int, str]:
    """How many members match, and how sure we are: EXACT, AT_LEAST or ABOUT."""
    if plan is None:
        return 0, EXACT
    driver = plan.driver
    if driver is None or driver.candidates <= COUNT_BUDGET or len(plan.terms) < 2:
        return count_capped(countable(base, plan))
    # Examine the first candidates of the driving filter (FIRST_SAMPLE, then up to
    # COUNT_BUDGET), flagging those that pass every other condition.
    rest = plan.conditions(
        scan=False, without_driver=True, examined=min(driver.candidates, COUNT_BUDGET)
    )
    # CASE WHEN, not the bare condition: as a value SQLite computes every operand of an
    # AND or OR (each visibility probe, each filter's EXISTS) for every row; as a
    # condition it stops at the first that decides.
    sample = (
        base.filter(driver.drive)
        .annotate(hit=Case(When(Q(*rest), then=1), default=0, output_field=IntegerField()))
        .values("pk", "hit")
        .order_by()
    )
    if driver.distinct:
        sample = sample.distinct()
    sql, params = sample.query.sql_with_params()  # unordered and unsliced: LIMIT goes last
    hit = connection.ops.quote_name("hit")

    def examine(limit: int) -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), COALESCE(SUM({hit}), 0) "  # noqa: S608 - Django-built SQL with its params
                f"FROM ({sql} LIMIT %s) sample",
                [*params, limit],
            )
            return cursor.fetchone()

    first = min(FIRST_SAMPLE, COUNT_BUDGET)
    examined, hits = examine(first)
    if examined == first < COUNT_BUDGET:
        if hits >= FIRST_SAMPLE_MIN_HITS and hits * driver.candidates / examined >= 2 * COUNT_CAP:
            return COUNT_CAP, AT_LEAST
        examined, hits = examine(COUNT_BUDGET)
    if examined < COUNT_BUDGET:  # every candidate was examined: the count is exact
        return min(hits, COUNT_CAP), EXACT if hits <= COUNT_CAP else AT_LEAST
    if hits == 0:  # too rare to estimate from a sample: count them all
        return count_capped(countable(base, plan))
    estimate = hits * driver.candidates / examined
    if estimate >= COUNT_CAP:
        return COUNT_CAP, AT_LEAST
    return _round_estimate(estimate), ABOUT


def _ordering(filters: DirectoryFilters) -> tuple[str, ...]:
    return ORDERING.get(filters.sort, ORDERING[SORT_NAME])


def _walks(
    plan: Plan, filters: DirectoryFilters, offset: int, page_size: int, matches: float
) -> bool:
    """Whether to walk the sort index for the page at `offset` rather than drive.

    Walking finds the page after about (offset + size) / density rows; driving visits
    every candidate and then sorts them. The cheaper wins."""
    if plan.driver is None:
        return True
    if filters.sort == SORT_NAME and any(t.clustered_by_name for t in plan.terms):
        return False
    walk = (offset + page_size + 1) * profile_estimate() / matches * ROW_COST_ORDERED_SCAN
    return walk < plan.driver.candidates * (plan.driver.row_cost + ROW_COST_SORT)


def sorts_every_candidate(plan: Plan, filters: DirectoryFilters, page: int, page_size: int) -> bool:
    """Whether the page is driven whatever the count (driving costs less even if every
    candidate matched, a walk's best case) from few enough candidates to read them all:
    then one query sorts and counts them (`page_ids_and_total`), where counting first
    read them once more."""
    return (
        page >= 1
        and plan.driver is not None
        and plan.driver.candidates <= COUNT_BUDGET
        and not _walks(
            plan, filters, (page - 1) * page_size, page_size, max(plan.driver.candidates, 1)
        )
    )


def page_ids_and_total(
    base: QuerySet[Profile], plan: Plan, filters: DirectoryFilters, page: int, page_size: int
) -> tuple[list[int], int]:
    """The ids of one page (plus one more if there is a next page) and how many match,
    in one driven query (`COUNT(*) OVER ()` over the candidates it sorts anyway). The
    count is 0 when the page is past the end."""
    offset = (page - 1) * page_size
    rows = list(
        base.filter(*plan.conditions(scan=False, reads_all=True))
        .annotate(matches=Window(Count("pk")))
        .order_by(*_ordering(filters))
        .values_list("pk", "matches")[offset : offset + page_size + 1]
    )
    return [pk for pk, _matches in rows], rows[0][1] if rows else 0


def page_rows(
    base: QuerySet[Profile],
    plan: Plan,
    filters: DirectoryFilters,
    total: int,
    total_is: str,
    page: int,
    page_size: int,
) -> QuerySet[Profile]:
    """The profiles of one page, plus one more if there is a next page (for the cards
    to fetch: accounts.selectors.member_cards_of).

    A driven or deep page is found by its ids alone and the cards' columns are read for
    those rows only: SQLite computes a row's selected columns (the connection probe, the
    place's names) before sorting it or skipping it for the offset. Near the start of a
    walk in index order that costs less than the second lookup of the page's rows.
    """
    offset = (page - 1) * page_size
    scan = _walks(plan, filters, offset, page_size, _matches(plan, total, total_is))
    # Driven, every candidate is read and sorted: the semi-join form needs no DISTINCT.
    found = base.filter(*plan.conditions(scan=scan, reads_all=True))
    ordering = _ordering(filters)
    rows = found.order_by(*ordering)[offset : offset + page_size + 1]
    if scan and offset < DEFER_FROM_OFFSET:
        return rows
    return Profile.objects.filter(pk__in=rows.values("pk")).order_by(*ordering)
