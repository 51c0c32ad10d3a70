"""Which graph scoring suits this community, chosen on its own connections.

Adamic–Adar, resource allocation and resource allocation with circles each predict
best on some graphs and worst on others (docs/PERFORMANCE.md), so none is fixed:
`choose_scoring` hides a seeded share of the connections it is given, ranks a sample
of members graph-only with each scoring, and keeps the default (the first in
SCORINGS: resource allocation) unless another finds clearly more hidden connections:
member by member, the other's gain over the default must add up to more than
SIGNIFICANCE times its standard error (a paired test). A near tie on a small
validation split is noise; following it lost to resource allocation on the test
split of the Jazz musicians' graph (docs/PERFORMANCE.md). The full recompute calls
it on the whole graph; the offline evaluation on the kept edges only, never on its
test set.
"""

from __future__ import annotations

import math
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

# How many standard errors the summed per-member gain over the default must reach.
SIGNIFICANCE = 2.0


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
    """The scoring for `graph`, and the hidden connections each one found."""
    edges = [(a, b) for a, theirs in graph.adjacency.items() for b in theirs if a < b]
    names = list(SCORINGS)
    default = names[0]
    found = dict.fromkeys(names, 0)
    # Per scoring, the sum and the sum of squares of its per-member gain over the default.
    gain = dict.fromkeys(names, 0)
    gain_squares = dict.fromkeys(names, 0)
    scorings = list(SCORINGS.values())
    for seed in seeds:
        kept, hidden = hide_edges(edges, share, seed)
        validation = MemoryGraph.from_edges(kept)
        targets = hidden_targets(hidden, validation)
        members = sorted(targets)
        if len(members) > sample:
            members = sorted(random.Random(seed).sample(members, sample))
        for member in members:
            # One walk per member for the three scorings (rank.graph_rankings).
            tops = graph_rankings(member, validation, scorings, params, k)
            hits = {name: len(set(top) & targets[member]) for name, top in tops.items()}
            for name in names:
                found[name] += hits[name]
                difference = hits[name] - hits[default]
                gain[name] += difference
                gain_squares[name] += difference * difference
    clear = [
        name
        for name in names[1:]
        if gain[name] > 0 and gain[name] > SIGNIFICANCE * math.sqrt(gain_squares[name])
    ]
    best = max(clear, key=lambda name: gain[name], default=default)  # the first of equals
    return SCORINGS[best], found
