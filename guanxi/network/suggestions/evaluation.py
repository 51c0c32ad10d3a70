"""Offline evaluation of the suggestion ranking on any undirected edge list.

Hide a random share of the edges (fixed seed), rank candidates for the members who
lost an edge using only what is left, and count how many hidden edges come back in
each member's top k: recall@k (hidden edges found / hidden edges) and precision@k
(hidden edges found / suggestions made, k per member). Our ranking is compared with
plain mutual-connection counting and with Adamic–Adar, so a ranking change is judged
by numbers rather than taste.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from guanxi.network.suggestions.rank import Params, rank
from guanxi.network.suggestions.recompute import MemoryGraph, MemoryTraits


@dataclass
class EdgeList:
    edges: list[tuple[int, int]]  # undirected, each once, low id first
    labels: list[str]  # the file's id for each integer node
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)
    duplicates: int = 0
    self_loops: int = 0
    numeric: bool = True  # every id in the file is a whole number


def read_edge_list(lines: Iterable[str]) -> EdgeList:
    """Two ids per line (spaces, tabs or a comma between), `#` starts a comment, blank
    lines are fine. Anything else is reported with its line number and skipped."""
    index: dict[str, int] = {}
    labels: list[str] = []
    seen: set[tuple[int, int]] = set()
    result = EdgeList(edges=[], labels=labels)

    def node(label: str) -> int:
        found = index.get(label)
        if found is None:
            found = index[label] = len(labels)
            labels.append(label)
        return found

    for number, raw in enumerate(lines, start=1):
        text = raw.split("#", 1)[0].replace(",", " ").strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 2:
            result.problems.append(
                (number, _("expected two ids, found %(n)d values") % {"n": len(parts)})
            )
            continue
        a, b = parts
        if a == b:
            result.self_loops += 1
            continue
        pair = tuple(sorted((node(a), node(b))))
        if pair in seen:
            result.duplicates += 1
            continue
        seen.add(pair)
        result.edges.append(pair)
    result.numeric = all(label.isdecimal() for label in labels)
    if result.numeric:
        # Keep the file's own numbers: they may be member ids.
        as_int = [int(label) for label in labels]
        result.edges = [tuple(sorted((as_int[a], as_int[b]))) for a, b in result.edges]  # type: ignore[misc]
    return result


def read_edge_file(path: str | Path) -> EdgeList:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return read_edge_list(handle)


def hide_edges(
    edges: list[tuple[int, int]], share: float, seed: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(kept, hidden): a random `share` of the edges, the same for the same seed."""
    ordered = sorted(edges)
    hidden_count = round(len(ordered) * share)
    rng = random.Random(seed)
    hidden_index = set(rng.sample(range(len(ordered)), hidden_count))
    kept = [e for i, e in enumerate(ordered) if i not in hidden_index]
    hidden = [e for i, e in enumerate(ordered) if i in hidden_index]
    return kept, hidden


def _top(scores: dict[int, float], k: int) -> list[int]:
    return [node for node, _score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def mutual_count_ranking(graph: MemoryGraph, node: int, k: int) -> list[int]:
    mine = graph.neighbours(node)
    known = set(mine)
    scores: dict[int, float] = defaultdict(float)
    for z in mine:
        for w in graph.neighbours(z):
            if w != node and w not in known:
                scores[w] += 1.0
    return _top(scores, k)


def adamic_adar_ranking(graph: MemoryGraph, node: int, k: int) -> list[int]:
    mine = graph.neighbours(node)
    known = set(mine)
    scores: dict[int, float] = defaultdict(float)
    for z in mine:
        theirs = graph.neighbours(z)
        if len(theirs) < 2:
            continue
        weight = 1.0 / math.log(len(theirs))
        for w in theirs:
            if w != node and w not in known:
                scores[w] += weight
    return _top(scores, k)


@dataclass(frozen=True)
class MethodScore:
    name: str
    hits: int
    recall: float
    precision: float


@dataclass(frozen=True)
class Evaluation:
    nodes: int  # members evaluated
    hidden: int  # hidden edges, counted from both ends, of the evaluated members
    k: int
    scores: list[MethodScore]


def evaluate(
    edges: list[tuple[int, int]],
    *,
    share: float = 0.1,
    seed: int = 42,
    k: int = 10,
    max_nodes: int | None = 2000,
    traits: MemoryTraits | None = None,
    params: Params | None = None,
) -> Evaluation:
    kept, hidden = hide_edges(edges, share, seed)
    graph = MemoryGraph.from_edges(kept)
    targets: dict[int, set[int]] = defaultdict(set)
    for a, b in hidden:
        targets[a].add(b)
        targets[b].add(a)
    nodes = sorted(targets)
    if max_nodes is not None and len(nodes) > max_nodes:
        nodes = sorted(random.Random(seed).sample(nodes, max_nodes))
    params = Params(keep=k) if params is None else params

    def ours(with_traits: MemoryTraits | None) -> Callable[[int], list[int]]:
        return lambda node: [r.user_id for r in rank(node, graph, with_traits, params=params)][:k]

    methods: list[tuple[str, Callable[[int], list[int]]]] = [
        (_("mutual connections"), lambda node: mutual_count_ranking(graph, node, k)),
        (_("Adamic–Adar"), lambda node: adamic_adar_ranking(graph, node, k)),
        (_("ours (graph only)"), ours(None)),
    ]
    if traits is not None:
        methods.append((_("ours (graph and profiles)"), ours(traits)))
    total_hidden = sum(len(targets[node]) for node in nodes)
    scores = []
    for name, method in methods:
        hits = sum(len(set(method(node)) & targets[node]) for node in nodes)
        scores.append(
            MethodScore(
                name=name,
                hits=hits,
                recall=hits / total_hidden if total_hidden else 0.0,
                precision=hits / (k * len(nodes)) if nodes else 0.0,
            )
        )
    return Evaluation(nodes=len(nodes), hidden=total_hidden, k=k, scores=scores)
