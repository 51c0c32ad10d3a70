"""Which graph scoring suits this community, chosen on its own connections.

Adamic–Adar, resource allocation and resource allocation with circles each predict
best on some graphs and worst on others (docs/PERFORMANCE.md), so none is fixed:
`choose_scoring` hides a seeded share of the connections it is given, ranks a sample
of members graph-only with each scoring, and keeps the one that finds the most hidden
connections (on a tie, the first in SCORINGS). The full recompute calls it on the
whole graph; the offline evaluation on the kept edges only, never on its test set.
"""

from __future__ import annotations

import random
from collections import defaultdict

from guanxi.network.suggestions.rank import (
    DEFAULT_PARAMS,
    SCORINGS,
    GraphScoring,
    Params,
    graph_rankings,
)
from guanxi.network.suggestions.recompute import MemoryGraph

Edge = tuple[int, int]


def hide_edges(edges: list[Edge], share: float, seed: int) -> tuple[list[Edge], list[Edge]]:
    """(kept, hidden): the edges shuffled with `seed`, the first `share` of them hidden.
    The same edges and seed give the same split whatever the order they came in."""
    shuffled = sorted(edges)
    random.Random(seed).shuffle(shuffled)
    count = round(len(shuffled) * share)
    return sorted(shuffled[count:]), sorted(shuffled[:count])


def hidden_targets(hidden: list[Edge], kept: MemoryGraph) -> dict[int, set[int]]:
    """Each member's hidden connections, for the members who kept at least one (a
    member whose every edge was hidden has nothing to rank from)."""
    targets: dict[int, set[int]] = defaultdict(set)
    for a, b in hidden:
        targets[a].add(b)
        targets[b].add(a)
    return {node: found for node, found in targets.items() if kept.neighbours(node)}


def choose_scoring(
    graph: MemoryGraph,
    *,
    seeds: tuple[int, ...] = (1, 2, 3),
    share: float = 0.1,
    sample: int = 500,
    k: int = 10,
    params: Params = DEFAULT_PARAMS,
) -> tuple[GraphScoring, dict[str, int]]:
    """The best scoring for `graph`, and the hidden connections each one found."""
    edges = [(a, b) for a, theirs in graph.adjacency.items() for b in theirs if a < b]
    found = dict.fromkeys(SCORINGS, 0)
    for seed in seeds:
        kept, hidden = hide_edges(edges, share, seed)
        validation = MemoryGraph.from_edges(kept)
        targets = hidden_targets(hidden, validation)
        members = sorted(targets)
        if len(members) > sample:
            members = sorted(random.Random(seed).sample(members, sample))
        scorings = list(SCORINGS.values())
        for member in members:
            # One walk per member for the three scorings (rank.graph_rankings).
            tops = graph_rankings(member, validation, scorings, params, k)
            for name, top in tops.items():
                found[name] += len(set(top) & targets[member])
    best = max(SCORINGS, key=lambda name: found[name])  # the first of equals
    return SCORINGS[best], found
