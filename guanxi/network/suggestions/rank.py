"""The people-you-may-know ranking, independent of where the graph comes from.

One algorithm serves three callers: the live computation (graph read with SQL), the
full recompute (graph held in memory) and the offline evaluation (an edge-list file).
Each hands `rank` a GraphSource and, optionally, a TraitSource.

Score = graph + traits:
- graph: each mutual connection z adds a weight that falls with deg z, so one who
  knows everybody counts less than one who knows a few. Three classic weightings are
  on offer (GraphScoring): Adamic–Adar (1/ln deg z), resource allocation (1/deg z) and
  resource allocation with circles (mutual connections who know each other, a circle
  both members belong to, count more than scattered ones: Cannistraci's
  local-community paradigm). Which one predicts best depends on the community, so the
  full recompute picks the best for the community's own graph on a validation split
  of its connections (calibration.py); every ranking until the next recompute uses it;
- traits: shared interests and skills, same company, school or city, each worth
  w / ln(2 + how many members share it) so rare ones weigh more; complementary
  "open to" (one hiring, the other looking...) adds a fixed amount.

Cost is bounded whatever the degrees. The friends-of-friends walk reads at most
`walk_budget` connections of the member's connections: every list that fits is read
whole, and when the lists add up to more, the longest (hubs') are cut to one common
length, a fixed random sample, so that the total fits (water-filling). The live path,
which must answer while the member waits, first samples `neighbour_sample` of the
member's connections and cuts each list at `expand_cap`. The best `shortlist`
candidates (plus a few members from the same company, school or rarest tags) are then
rescored exactly, with their true mutual connections.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from guanxi.network.affinity import COMPLEMENTS, Traits


@dataclass(frozen=True)
class GraphScoring:
    """What one mutual connection z adds to a candidate's graph score:
    scale × (1/ln deg z or 1/deg z) × (1 + cluster × how many of the other mutual
    connections z knows). `scale` balances the graph against the traits; it was chosen
    for each weighting on the demo graph's training split (docs/PERFORMANCE.md)."""

    name: str
    scale: float
    logarithmic: bool = False  # 1/ln deg (Adamic–Adar) instead of 1/deg
    cluster: float = 0.0

    def weight(self, degree: int) -> float:
        if degree < 2:
            return 0.0  # z knows nobody but the member: no candidate through z
        return self.scale / (math.log(degree) if self.logarithmic else degree)


ADAMIC_ADAR = GraphScoring("adamic_adar", scale=1.0, logarithmic=True)
RESOURCE_ALLOCATION = GraphScoring("resource_allocation", scale=6.0)
CIRCLES = GraphScoring("circles", scale=4.0, cluster=1 / 3)
# In order of preference when they predict equally well.
SCORINGS = {s.name: s for s in (RESOURCE_ALLOCATION, CIRCLES, ADAMIC_ADAR)}


@dataclass(frozen=True)
class Params:
    # Chosen with `guanxi evaluate_suggestions` (docs/PERFORMANCE.md). The full
    # recompute walks every connection with a budget; the live path samples.
    neighbour_sample: int | None = None  # of the member's connections expanded (None: all)
    expand_cap: int = 100  # without a budget: of each connection's own, read at most
    walk_budget: int | None = 10_000  # connections' connections read in all (water-filling)
    shortlist: int = 60  # best graph candidates rescored exactly
    circle_pool: int = 10  # members drawn from each shared company / school / rare tag
    rare_tags: int = 3  # how many of the member's rarest tags draw candidates
    keep: int = 30  # suggestions kept per member
    scoring: GraphScoring = RESOURCE_ALLOCATION  # the community's own: calibration.py


DEFAULT_PARAMS = Params()

# Mutual connections kept with each suggestion to show as faces (the Suggestion table
# has a column for each): the ones with the lowest ids, the same on every recompute.
FACES = 2

# Trait weights, each divided by ln(2 + how many members share the trait).
INTEREST_WEIGHT = 1.0
SKILL_WEIGHT = 0.8
COMPANY_WEIGHT = 3.0
SCHOOL_WEIGHT = 2.0
CITY_WEIGHT = 1.0
COMPLEMENT_WEIGHT = 0.3


@dataclass
class CircleSizes:
    """How many members carry each of one member's traits (all members, shown or not)."""

    tags: dict[int, int] = field(default_factory=dict)
    company: int = 0
    schools: dict[str, int] = field(default_factory=dict)
    city: int = 0


class GraphSource(Protocol):
    # At most this many degrees are looked up when rescoring (None: all of them).
    degree_lookup_limit: int | None

    def neighbours(self, user_id: int) -> Sequence[int]: ...

    def degrees(self, user_ids: Iterable[int]) -> dict[int, int]: ...

    def expand(
        self, user_ids: Sequence[int], degrees: Mapping[int, int], cap: int
    ) -> Iterable[tuple[int, Sequence[int]]]:
        """(z, up to `cap` of z's connections) for each z; a sample when z has more."""
        ...

    def mutual_edges(
        self,
        user_id: int,
        neighbours: set[int],
        candidates: Sequence[int],
        degrees: Mapping[int, int],
    ) -> dict[int, list[int]]:
        """For each candidate, which of `neighbours` (the member's connections) it
        knows. `degrees` holds the degrees learnt so far (of the expanded sample)."""
        ...

    def edges_among(self, user_ids: set[int]) -> Iterable[tuple[int, int]]:
        """The connections between members of `user_ids`, each once."""
        ...


class TraitSource(Protocol):
    def traits(self, user_ids: Iterable[int]) -> dict[int, Traits]: ...

    def sizes(self, me: Traits) -> CircleSizes: ...

    def circle_members(self, me: Traits, sizes: CircleSizes, params: Params) -> set[int]:
        """Members sharing the company, a school or one of the rarest tags (listed,
        active, with that section visible to members), up to circle_pool each."""
        ...


@dataclass(frozen=True)
class Ranked:
    user_id: int
    score: float
    mutual_count: int
    graph_score: float
    trait_score: float
    faces: tuple[int, ...] = ()  # the first FACES mutual connections, lowest ids first

    @property
    def face_ids(self) -> tuple[int | None, int | None]:
        """The faces as the table's two columns (None where there is none)."""
        first, second, *_rest = (*self.faces, None, None)
        return first, second


def rarity(count: int) -> float:
    return 1.0 / math.log(2 + max(count, 1))


class TraitScorer:
    """How much one member has in common with others, the weights worked out once."""

    def __init__(self, me: Traits, sizes: CircleSizes):
        self.interests = {t: INTEREST_WEIGHT * rarity(sizes.tags.get(t, 1)) for t in me.interests}
        self.skills = {t: SKILL_WEIGHT * rarity(sizes.tags.get(t, 1)) for t in me.skills}
        self.company_key = me.company_key
        self.company = COMPANY_WEIGHT * rarity(sizes.company)
        self.schools = {k: SCHOOL_WEIGHT * rarity(sizes.schools.get(k, 1)) for k in me.schools}
        self.place_id = me.place_id
        self.city = CITY_WEIGHT * rarity(sizes.city)
        self.open_to = me.open_to

    def __call__(self, other: Traits) -> float:
        score = 0.0
        if other.interests:
            score += sum(w for t, w in self.interests.items() if t in other.interests)
        if other.skills:
            score += sum(w for t, w in self.skills.items() if t in other.skills)
        if self.company_key and self.company_key == other.company_key:
            score += self.company
        if other.schools and self.schools:
            score += max((w for k, w in self.schools.items() if k in other.schools), default=0.0)
        if self.place_id is not None and self.place_id == other.place_id:
            score += self.city
        if self.open_to and other.open_to:
            mine, theirs = self.open_to, other.open_to
            for one, two, _key in COMPLEMENTS:
                if (mine & one and theirs & two) or (mine & two and theirs & one):
                    score += COMPLEMENT_WEIGHT
        return score


def graph_score(
    zs: Sequence[int],
    scoring: GraphScoring,
    degrees: Mapping[int, int],
    among: Mapping[int, set[int]],
    typical: float,
) -> float:
    """The graph score of one candidate whose mutual connections are `zs`."""
    weight = scoring.weight
    total = sum(weight(degrees[z]) if z in degrees else typical for z in zs)
    if scoring.cluster and among and len(zs) > 1:
        shared = set(zs)
        for z in zs:
            if z in among:
                links = len(among[z] & shared)
                total += scoring.cluster * links * (weight(degrees[z]) if z in degrees else typical)
    return total


def trait_score(me: Traits, other: Traits, sizes: CircleSizes) -> float:
    return TraitScorer(me, sizes)(other)


def sample_neighbours(user_id: int, neighbours: Sequence[int], size: int | None) -> list[int]:
    """A fixed random subset: the same member gets the same sample every time."""
    if size is None or len(neighbours) <= size:
        return list(neighbours)
    return random.Random(user_id).sample(sorted(neighbours), size)


def water_fill(degrees: Iterable[int], budget: int) -> int:
    """The largest cap c such that reading min(degree, c) connections of each expanded
    connection reads at most `budget` in all (at least 1): lists that fit are read
    whole and only the longest are cut, all to the same length."""
    ordered = sorted(degrees)
    left, remaining = budget, len(ordered)
    for degree in ordered:
        share = left // remaining
        if degree > share:
            return max(share, 1)  # this one and every longer one get `share`
        left -= degree
        remaining -= 1
    return max(ordered, default=1)  # everything fits


Walk = list[tuple[int, Sequence[int]]]  # (z, the connections of z that were read)


def walk(
    user_id: int, graph: GraphSource, neighbours: Sequence[int], params: Params
) -> tuple[Walk, dict[int, int]]:
    """The friends-of-friends walk (bounded, see the module's docstring), and the
    degrees learnt on the way."""
    expanded = sample_neighbours(user_id, neighbours, params.neighbour_sample)
    degrees = graph.degrees(expanded)
    cap = params.expand_cap
    if params.walk_budget is not None:
        cap = water_fill((degrees.get(z, 0) for z in expanded), params.walk_budget)
    return list(graph.expand(expanded, degrees, cap)), degrees


def shortlist_from(
    user_id: int,
    paths: Walk,
    degrees: Mapping[int, int],
    neighbours: Iterable[int],
    excluded: Iterable[int],
    scoring: GraphScoring,
    size: int,
) -> list[int]:
    """The best `size` candidates of a walk by the scoring's weights (without the
    circle term, which needs the mutual connections' own links), ties to the lower id
    as the classic rankings break them.

    The lists are added heaviest first (a connection who knows few weighs most). Once
    the weight still to come is less than the `size`-th best total so far, no one not
    yet met can enter the shortlist, so the lighter lists (the hubs', which the whole-
    list walk reads in full: 75 % of the reads on the 3,000-member bench graph) only
    add to the candidates who still can, found by a set intersection in C instead of
    a Python loop over every name. The shortlist is the one the plain sum gives (up
    to the rounding of sums added in another order)."""
    weight = scoring.weight
    skip = {user_id, *neighbours, *excluded}
    lists = []
    for z, theirs in paths:
        w = weight(degrees.get(z, 0))
        if w:
            lists.append((w, theirs))
    lists.sort(key=lambda item: -item[0])  # stable: equal weights keep the walk's order
    remaining = sum(w for w, _theirs in lists)
    totals: dict[int, float] = defaultdict(float)
    # The cut is looked for each time the weight to come has halved (a few checks).
    next_check = remaining / 2
    open_to: set[int] | None = None  # once cut: the candidates who can still make it
    for w, theirs in lists:
        if open_to is None and remaining <= next_check:
            next_check = remaining / 2
            for gone in skip:
                totals.pop(gone, None)
            if len(totals) >= size:
                floor = heapq.nlargest(size, totals.values())[-1]
                if remaining < floor:
                    open_to = {c for c, total in totals.items() if total + remaining >= floor}
        if open_to is None:
            for candidate in theirs:
                totals[candidate] += w
        else:
            for candidate in open_to.intersection(theirs):
                totals[candidate] += w
        remaining -= w
    for gone in skip:
        totals.pop(gone, None)
    if len(totals) > size:
        # The size-th best score over plain floats (C), then sort only those above it.
        floor = heapq.nlargest(size, totals.values())[-1]
        best = sorted((-total, c) for c, total in totals.items() if total >= floor)[:size]
    else:
        best = sorted((-total, c) for c, total in totals.items())
    return [candidate for _score, candidate in best]


def graph_candidates(
    user_id: int,
    graph: GraphSource,
    neighbours: Sequence[int],
    excluded: set[int],
    params: Params,
) -> tuple[list[int], dict[int, int]]:
    """The best `shortlist` friends-of-friends by the walk's partial scores, and the
    degrees learnt on the way."""
    paths, degrees = walk(user_id, graph, neighbours, params)
    shortlist = shortlist_from(
        user_id, paths, degrees, neighbours, excluded, params.scoring, params.shortlist
    )
    return shortlist, degrees


def rank(
    user_id: int,
    graph: GraphSource,
    traits: TraitSource | None = None,
    *,
    excluded: set[int] = frozenset(),
    params: Params = DEFAULT_PARAMS,
) -> list[Ranked]:
    """The member's best suggestions, best first. `excluded` holds members never to
    suggest besides the member's own connections (requests, dismissals, blocks)."""
    neighbours = graph.neighbours(user_id)
    neighbour_set = set(neighbours)
    shortlist, degrees = graph_candidates(user_id, graph, neighbours, set(excluded), params)

    me: Traits | None = None
    scorer: TraitScorer | None = None
    if traits is not None:
        me = traits.traits([user_id]).get(user_id)
        if me is not None:
            sizes = traits.sizes(me)
            scorer = TraitScorer(me, sizes)
            seen = set(shortlist)
            for candidate in sorted(traits.circle_members(me, sizes, params)):
                if (
                    candidate not in seen
                    and candidate != user_id
                    and candidate not in neighbour_set
                    and candidate not in excluded
                ):
                    shortlist.append(candidate)
                    seen.add(candidate)
    if not shortlist:
        return []

    mutual = graph.mutual_edges(user_id, neighbour_set, shortlist, degrees)
    mutual_ids = {z for zs in mutual.values() for z in zs}
    unknown = mutual_ids - degrees.keys()
    limit = getattr(graph, "degree_lookup_limit", None)
    if unknown and (limit is None or len(unknown) <= limit):
        degrees.update(graph.degrees(unknown))
    # Mutual connections outside the expanded sample whose degree was not looked up
    # (a member with hundreds of connections, live): weigh each like the average of
    # the sample, an unbiased estimate since the sample is random. Counts stay exact.
    scoring = params.scoring
    sampled = [scoring.weight(d) for z, d in degrees.items() if z in neighbour_set]
    typical = sum(sampled) / len(sampled) if sampled else 0.0
    # Who among the mutual connections knows whom; beyond the lookup limit (live, a
    # member with hundreds of mutual connections) the circle term is left out.
    among: dict[int, set[int]] = defaultdict(set)
    if scoring.cluster and (limit is None or len(mutual_ids) <= limit):
        for a, b in graph.edges_among(mutual_ids):
            among[a].add(b)
            among[b].add(a)
    their_traits = traits.traits(shortlist) if traits is not None else {}

    results = []
    for candidate in shortlist:
        zs = mutual.get(candidate, ())
        from_graph = graph_score(zs, scoring, degrees, among, typical)
        bonus = 0.0
        if traits is not None:
            other = their_traits.get(candidate)
            if other is None or not other.active:
                continue  # no profile, or a deactivated account
            if not other.listed and not zs:
                continue  # unlisted members are only suggested through people they know
            if scorer is not None:
                bonus = scorer(other)
        score = from_graph + bonus
        if score <= 0:
            continue
        faces = tuple(heapq.nsmallest(FACES, zs))
        results.append(Ranked(candidate, score, len(zs), from_graph, bonus, faces))
    results.sort(key=lambda r: (-r.score, r.user_id))
    return results[: params.keep]


def graph_rankings(
    user_id: int,
    graph: GraphSource,
    scorings: Sequence[GraphScoring],
    params: Params = DEFAULT_PARAMS,
    k: int = 10,
) -> dict[str, list[int]]:
    """The member's top `k` by each scoring, graph only: for each scoring the same
    list as rank(user_id, graph, params=replace(params, scoring=...)), but the walk,
    the mutual connections and their links are read once for all of them (the
    calibration ranks every sampled member each way)."""
    neighbours = graph.neighbours(user_id)
    neighbour_set = set(neighbours)
    paths, degrees = walk(user_id, graph, neighbours, params)
    # The partial scores depend only on the weight's form (1/ln d or 1/d): scales and
    # the circle term change no shortlist.
    by_form: dict[bool, list[int]] = {}
    shortlists: dict[str, list[int]] = {}
    for scoring in scorings:
        if scoring.logarithmic not in by_form:
            by_form[scoring.logarithmic] = shortlist_from(
                user_id, paths, degrees, neighbours, (), scoring, params.shortlist
            )
        shortlists[scoring.name] = by_form[scoring.logarithmic]
    union = sorted({c for found in by_form.values() for c in found})
    if not union:
        return {scoring.name: [] for scoring in scorings}
    mutual = graph.mutual_edges(user_id, neighbour_set, union, degrees)
    mutual_ids = {z for zs in mutual.values() for z in zs}
    unknown = mutual_ids - degrees.keys()
    limit = getattr(graph, "degree_lookup_limit", None)
    if unknown and (limit is None or len(unknown) <= limit):
        degrees.update(graph.degrees(unknown))
    among: dict[int, set[int]] = defaultdict(set)
    if any(s.cluster for s in scorings) and (limit is None or len(mutual_ids) <= limit):
        for a, b in graph.edges_among(mutual_ids):
            among[a].add(b)
            among[b].add(a)
    found: dict[str, list[int]] = {}
    for scoring in scorings:
        sampled = [scoring.weight(d) for z, d in degrees.items() if z in neighbour_set]
        typical = sum(sampled) / len(sampled) if sampled else 0.0
        scored = []
        for candidate in shortlists[scoring.name]:
            score = graph_score(mutual.get(candidate, ()), scoring, degrees, among, typical)
            if score > 0:
                scored.append((-score, candidate))
        scored.sort()
        found[scoring.name] = [candidate for _score, candidate in scored[:k]]
    return found
