"""A believable member graph, for the demo community and the benchmarks.

Real professional networks are clustered (people know colleagues, classmates, people
in their city and people who share their interests) and their degrees are heavy-tailed
(most members have a few dozen connections, a few have thousands). The generator is a
Chung–Lu model with communities: every member gets an expected degree drawn from a
power law; each edge picks one end in proportion to those degrees and the other end,
most of the time, in proportion to degree *within one of that member's circles*
(company, school, city, interest), otherwise anywhere. Hubs are members whose expected
degree is set to `hub_degree`.

Pure Python and deterministic for a given seed; `seed_graph` writes the result in bulk.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from guanxi.accounts.models import Education, Profile, ProfileTag, User
from guanxi.network.models import Connection, Follow


@dataclass(frozen=True)
class GraphShape:
    edges: int
    hubs: int = 0
    hub_degree: int = 5000
    exponent: float = 2.3  # P(degree >= x) ~ x^-(exponent - 1)
    max_degree: int = 1500  # cap for everyone but the hubs
    local_share: float = 0.8  # share of ties formed inside a member's circles


def demo_shape(members: int) -> GraphShape:
    """The graph `guanxi demo` builds for a community of this size: about 24
    connections per member (40 from 10k members up), one hub per 20k members (at
    least one) with a quarter of the community, at most 5,000 connections."""
    per_member = 12 if members < 10_000 else 20
    return GraphShape(
        edges=members * per_member,
        hubs=max(1, members // 20_000) if members >= 100 else 0,
        hub_degree=min(5000, max(10, members // 4)),
    )


# How often a tie formed "locally" comes from each kind of circle.
CIRCLE_WEIGHTS = {"company": 0.35, "school": 0.2, "city": 0.15, "interest": 0.3}


def expected_degrees(n: int, shape: GraphShape, rng: random.Random) -> list[float]:
    """Power-law expected degrees scaled so they add up to twice the edge count."""
    if n < 2:
        return [0.0] * n
    hubs = min(shape.hubs, n)
    hub_degree = float(min(shape.hub_degree, n - 1))
    draws = [rng.random() for _ in range(n - hubs)]
    wanted_total = 2.0 * shape.edges - hubs * hub_degree
    if wanted_total <= 0 or not draws:
        return [hub_degree] * hubs + [0.0] * (n - hubs)
    power = -1.0 / (shape.exponent - 1.0)
    cap = float(min(shape.max_degree, n - 1))

    def total(scale: float) -> float:
        return sum(min(cap, scale * (1.0 - u) ** power) for u in draws)

    # Bisection on the minimum degree: the cap makes the total non-linear in it.
    low, high = 0.0, float(n)
    for _ in range(60):
        mid = (low + high) / 2
        if total(mid) < wanted_total:
            low = mid
        else:
            high = mid
    degrees = [min(cap, high * (1.0 - u) ** power) for u in draws]
    return [hub_degree] * hubs + degrees


class _WeightedPicker:
    """Pick members in proportion to their expected degree (bisect on cumulative sums)."""

    __slots__ = ("members", "cumulative", "total")

    def __init__(self, members: Sequence[int], weights: Sequence[float]):
        self.members = list(members)
        self.cumulative = list(itertools.accumulate(weights[m] for m in self.members))
        self.total = self.cumulative[-1] if self.cumulative else 0.0

    def pick(self, rng: random.Random) -> int:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.members[min(index, len(self.members) - 1)]


def generate_edges(
    groups: Sequence[Sequence[str]], shape: GraphShape, *, seed: int = 0
) -> list[tuple[int, int]]:
    """Edges (i, j), i < j, between member indexes 0..len(groups)-1.

    `groups[i]` lists the circles member i belongs to, as "kind:key" strings whose kind
    is one of CIRCLE_WEIGHTS (e.g. "company:acme", "interest:edtech"). The first members
    become the hubs.
    """
    n = len(groups)
    rng = random.Random(f"guanxi-graph:{seed}")
    weights = expected_degrees(n, shape, rng)
    target = min(shape.edges, n * (n - 1) // 2)
    if target <= 0:
        return []
    everyone = _WeightedPicker(range(n), weights)
    members_of: dict[str, list[int]] = defaultdict(list)
    for index, circles in enumerate(groups):
        for circle in circles:
            members_of[circle].append(index)
    pickers = {
        circle: _WeightedPicker(members, weights)
        for circle, members in members_of.items()
        if len(members) > 1
    }
    # Per member: its circles with cumulative choice weights (a kind's weight shared
    # among that member's circles of the kind).
    choices_of: list[tuple[list[str], list[float]] | None] = []
    for circles in groups:
        usable = [c for c in circles if c in pickers]
        if not usable:
            choices_of.append(None)
            continue
        per_kind: dict[str, int] = defaultdict(int)
        for circle in usable:
            per_kind[circle.split(":", 1)[0]] += 1
        circle_weights = [
            CIRCLE_WEIGHTS.get(kind, 0.1) / per_kind[kind]
            for kind in (c.split(":", 1)[0] for c in usable)
        ]
        choices_of.append((usable, list(itertools.accumulate(circle_weights))))

    seen: set[int] = set()
    edges: list[tuple[int, int]] = []
    degrees = [0] * n

    def add(a: int, b: int) -> bool:
        if a == b:
            return False
        low, high = (a, b) if a < b else (b, a)
        key = low * n + high
        if key in seen:
            return False
        seen.add(key)
        edges.append((low, high))
        degrees[a] += 1
        degrees[b] += 1
        return True

    attempts = 0
    # Duplicates and self-loops are dropped; a dense corner can make the target
    # unreachable, hence the bound on attempts.
    while len(edges) < target and attempts < target * 20:
        attempts += 1
        a = everyone.pick(rng)
        choice = choices_of[a]
        if choice is not None and rng.random() < shape.local_share:
            circles, cumulative = choice
            circle = circles[
                bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
                if len(circles) > 1
                else 0
            ]
            b = pickers[circle].pick(rng)
        else:
            b = everyone.pick(rng)
        add(a, b)
    # A hub's own circles keep drawing the hub itself (dropped as self-loops), so top
    # the hubs up to their degree with ties anywhere in the community.
    hub_degree = min(shape.hub_degree, n - 1)
    for hub in range(min(shape.hubs, n)):
        tries = 0
        while degrees[hub] < hub_degree and tries < hub_degree * 20:
            tries += 1
            add(hub, everyone.pick(rng))
    return edges


def degree_counts(n: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    counts = [0] * n
    for a, b in edges:
        counts[a] += 1
        counts[b] += 1
    return counts


def member_circles(user_ids: Sequence[int]) -> list[list[str]]:
    """The circles of each member, read from their profiles (whatever they display:
    people know their colleagues whether or not the profile says so). A city circle
    is the gazetteer's place, as the ranking's "same city" is: 上海 and Shanghai are one
    circle, and a city the gazetteer does not know makes none."""
    index = {uid: i for i, uid in enumerate(user_ids)}
    circles: list[list[str]] = [[] for _ in user_ids]
    for start in range(0, len(user_ids), 5000):
        chunk = list(user_ids[start : start + 5000])
        for uid, company, place_id in Profile.objects.filter(user_id__in=chunk).values_list(
            "user_id", "company_key", "place_id"
        ):
            if company:
                circles[index[uid]].append(f"company:{company}")
            if place_id is not None:
                circles[index[uid]].append(f"city:{place_id}")
        for uid, school in Education.objects.filter(profile_id__in=chunk).values_list(
            "profile_id", "school_key"
        ):
            if school:
                circles[index[uid]].append(f"school:{school}")
        for uid, tag_id in ProfileTag.objects.filter(
            profile_id__in=chunk, kind=ProfileTag.Kind.INTEREST
        ).values_list("profile_id", "tag_id"):
            circles[index[uid]].append(f"interest:{tag_id}")
    return circles


def _insert_ignoring_duplicates(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    # Table and column names come from the models; the values are parameters.
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def seed_graph(
    *,
    user_ids: Sequence[int] | None = None,
    shape: GraphShape,
    seed: int = 0,
    follows: bool = True,
    batch_size: int = 20_000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Connect members (the demo members by default) with a generated graph.

    Bulk inserts, not services: no notifications, no hooks — recompute suggestions
    afterwards. Pairs already connected are left alone, so a second run adds nothing.
    With `follows`, both sides follow each other, as accepting a request does.
    The members with the lowest ids become the hubs. Returns the edges generated.
    """
    if user_ids is None:
        user_ids = list(
            User.objects.filter(is_demo=True, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    user_ids = list(user_ids)
    edges = generate_edges(member_circles(user_ids), shape, seed=seed)
    rng = random.Random(f"guanxi-graph-dates:{seed}")
    now = timezone.now()
    connection_table = Connection._meta.db_table
    follow_table = Follow._meta.db_table
    for start in range(0, len(edges), batch_size):
        chunk = edges[start : start + batch_size]
        rows = []
        follow_rows = []
        for a, b in chunk:
            low, high = user_ids[a], user_ids[b]
            if low > high:
                low, high = high, low
            created = now - timedelta(days=rng.random() * 700)
            rows.append((low, high, created))
            if follows:
                follow_rows.append((low, high, created))
                follow_rows.append((high, low, created))
        with transaction.atomic():
            _insert_ignoring_duplicates(
                connection_table, ("user_low_id", "user_high_id", "created_at"), rows
            )
            if follow_rows:
                _insert_ignoring_duplicates(
                    follow_table, ("follower_id", "followee_id", "created_at"), follow_rows
                )
        if progress:
            progress(min(start + batch_size, len(edges)), len(edges))
    return len(edges)


def tail_summary(degrees: Sequence[int]) -> dict[str, float]:
    """Numbers that describe a degree distribution (for the bench and the tests)."""
    ordered = sorted(degrees)
    n = len(ordered)
    if not n:
        return {"members": 0}
    mean = sum(ordered) / n
    return {
        "members": n,
        "mean": mean,
        "median": ordered[n // 2],
        "p99": ordered[min(n - 1, math.ceil(0.99 * n) - 1)],
        "max": ordered[-1],
    }
