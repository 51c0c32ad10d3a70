"""Offline evaluation of the suggestion ranking on any undirected edge list.

The usual link-prediction protocol, so the figures compare with published ones: the
edges are shuffled with a fixed seed and the first 10 % hidden; every member who kept
at least one edge and lost at least one is asked for a top k from what is left (a
member whose every edge was hidden has nothing to rank from, and is skipped); recall@k
is hidden edges found / hidden edges, precision@k is hidden edges found / suggestions
made (k per member). Each hidden edge counts once from each end.

Our ranking is compared with three classic neighbourhood scores: the count of mutual
connections, Adamic–Adar (each mutual connection z weighs 1/ln deg z) and resource
allocation (1/deg z). The hidden set is printed as a sha256 digest, so two runs (or
two tools) can check they hid the same edges.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from guanxi.network.suggestions.calibration import choose_scoring, hidden_targets, hide_edges
from guanxi.network.suggestions.rank import Params, rank
from guanxi.network.suggestions.recompute import MemoryGraph, MemoryTraits

Edge = tuple[int, int]

# Pajek section markers read (`*Edges`, `*Arcs`: pairs; `*...list`: adjacency lists);
# arcs are read as undirected edges, like every other directed file.
PAJEK_SECTIONS = {"vertices", "network", "edges", "arcs", "edgeslist", "arcslist"}


@dataclass
class EdgeList:
    edges: list[Edge]  # undirected, each once, low id first
    labels: list[str]  # the file's id for each integer node
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)
    duplicates: int = 0
    self_loops: int = 0
    numeric: bool = True  # every id in the file is a whole number
    header: int | None = None  # line number of a skipped node/edge count line

    def label(self, node: int) -> str:
        return str(node) if self.numeric else self.labels[node]


def read_edge_list(lines: Iterable[str]) -> EdgeList:
    """The first two columns of each line are the two ids (spaces, tabs or commas
    between); further columns (weights, timestamps) are ignored. Lines starting with
    `#` or `%` are comments, as is anything after a `#`. A first line that only counts
    the nodes and edges of the rest (SNAP, KONECT and Matrix Market files carry one) is
    skipped. Pajek files (`.net`: `*Vertices n`, then one line per vertex, then `*Edges`
    or `*Arcs` pairs, or `*Edgeslist`/`*Arcslist` lines "id neighbour neighbour...")
    are read by their sections. Anything else is reported with its line number and
    skipped."""
    rows: list[tuple[int, list[str]]] = []
    result = EdgeList(edges=[], labels=[])
    section = ""  # the current Pajek section ("" outside a Pajek file), lower case
    pajek = False
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text[0] in "#%":
            continue
        if text[0] == "*":
            pajek = True
            section = text[1:].split(maxsplit=1)[0].lower() if len(text) > 1 else ""
            if section not in PAJEK_SECTIONS:
                result.problems.append(
                    (number, _("unknown Pajek section %(name)s") % {"name": text.split()[0]})
                )
                section = "skip"
            continue
        if section in ("vertices", "network", "skip"):
            continue  # vertex declarations (1 "label" x y), a title, an unread section
        parts = text.split("#", 1)[0].replace(",", " ").split()
        if section in ("edgeslist", "arcslist"):
            # "id neighbour neighbour...": a lone id is a vertex without neighbours.
            rows.extend((number, [parts[0], other]) for other in parts[1:])
            continue
        if len(parts) < 2:
            result.problems.append(
                (number, _("expected two ids, found %(n)d values") % {"n": len(parts)})
            )
            continue
        rows.append((number, parts))
    if rows and not pajek and _counts_the_rest(rows[0][1], [parts for _n, parts in rows[1:]]):
        result.header = rows.pop(0)[0]

    index: dict[str, int] = {}
    seen: set[Edge] = set()

    def node(label: str) -> int:
        found = index.get(label)
        if found is None:
            found = index[label] = len(result.labels)
            result.labels.append(label)
        return found

    for _number, parts in rows:
        a, b = parts[0], parts[1]
        if a == b:
            result.self_loops += 1
            continue
        low, high = sorted((node(a), node(b)))
        if (low, high) in seen:
            result.duplicates += 1
            continue
        seen.add((low, high))
        result.edges.append((low, high))
    result.numeric = all(label.isdecimal() for label in result.labels)
    if result.numeric:
        # Keep the file's own numbers: they may be member ids.
        as_int = [int(label) for label in result.labels]
        result.edges = [_pair(as_int[a], as_int[b]) for a, b in result.edges]
    return result


def _pair(a: int, b: int) -> Edge:
    return (a, b) if a < b else (b, a)


def _counts_the_rest(first: list[str], rest: list[list[str]]) -> bool:
    """Whether `first` reads "nodes edges" (or Matrix Market's "rows columns entries")
    for the lines after it. Checked against the data, not guessed from the shape: an
    edge "5242 14496" is kept unless the file really has 5,242 nodes and 14,496 lines."""
    if len(first) not in (2, 3) or not all(part.isdecimal() for part in first):
        return False
    ids = {part for parts in rest for part in parts[:2]}
    numbers = [int(i) for i in ids if i.isdecimal()]
    node_counts = {len(ids), *([max(numbers), max(numbers) + 1] if numbers else [])}
    edge_counts = {len(rest), len({frozenset(parts[:2]) for parts in rest})}
    nodes, edges = [int(part) for part in first[:-1]], int(first[-1])
    return edges in edge_counts and all(n in node_counts for n in nodes)


def read_edge_file(path: str | Path) -> EdgeList:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return read_edge_list(handle)


def hidden_digest(hidden: Iterable[Edge], label: Callable[[int], str] = str) -> str:
    """sha256 of the hidden edges written as the file's ids, one "a b" line each (the
    two ids in text order), the lines sorted, each ending in a newline."""
    lines = sorted(" ".join(sorted((label(a), label(b)))) + "\n" for a, b in hidden)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


# --- Baselines: each mutual connection z adds weight(deg z) ---------------------------


def _neighbourhood_ranking(
    graph: MemoryGraph, node: int, k: int, weight: Callable[[int], float]
) -> list[int]:
    mine = graph.neighbours(node)
    known = set(mine)
    scores: dict[int, float] = defaultdict(float)
    for z in mine:
        theirs = graph.neighbours(z)
        w = weight(len(theirs))
        if not w:
            continue
        for candidate in theirs:
            if candidate != node and candidate not in known:
                scores[candidate] += w
    # Best first; ties by id, as published implementations do.
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [candidate for candidate, _score in best]


def mutual_count_ranking(graph: MemoryGraph, node: int, k: int) -> list[int]:
    return _neighbourhood_ranking(graph, node, k, lambda degree: 1.0)


def adamic_adar_ranking(graph: MemoryGraph, node: int, k: int) -> list[int]:
    return _neighbourhood_ranking(
        graph, node, k, lambda degree: 1.0 / math.log(degree) if degree > 1 else 0.0
    )


def resource_allocation_ranking(graph: MemoryGraph, node: int, k: int) -> list[int]:
    return _neighbourhood_ranking(graph, node, k, lambda degree: 1.0 / degree)


@dataclass(frozen=True)
class MethodScore:
    name: str
    hits: int
    recall: float
    precision: float


@dataclass(frozen=True)
class Evaluation:
    nodes: int  # members evaluated
    skipped: int  # members who lost edges but kept none: nothing to rank from
    hidden_edges: int  # edges hidden
    hidden: int  # hidden edges to find, counted from each evaluated end
    digest: str  # hidden_digest() of the hidden edges
    k: int
    scoring: str  # the graph scoring our ranking used (GraphScoring.name)
    scores: list[MethodScore]

    def score(self, name: str) -> MethodScore:
        return next(score for score in self.scores if score.name == name)


def evaluate(
    edges: list[Edge],
    *,
    share: float = 0.1,
    seed: int = 42,
    k: int = 10,
    sample: int | None = None,
    traits: MemoryTraits | None = None,
    params: Params | None = None,
    label: Callable[[int], str] = str,
) -> Evaluation:
    """Every evaluable member by default; `sample` evaluates a seeded sample of them.
    With `traits`, our ranking is also run with the profile signals. Without `params`,
    ours uses the graph scoring that choose_scoring picks on the kept edges."""
    kept, hidden = hide_edges(edges, share, seed)
    graph = MemoryGraph.from_edges(kept)
    targets = hidden_targets(hidden, graph)
    nodes = sorted(targets)
    skipped = len({node for edge in hidden for node in edge}) - len(nodes)
    if sample is not None and len(nodes) > sample:
        nodes = sorted(random.Random(seed).sample(nodes, sample))
    if params is None:
        # As the recompute does for the live graph: the scoring is chosen on what is
        # left after hiding, so the hidden edges never inform it.
        params = Params(keep=k, scoring=choose_scoring(graph, k=k)[0])

    def ours(with_traits: MemoryTraits | None) -> Callable[[int], list[int]]:
        return lambda node: [r.user_id for r in rank(node, graph, with_traits, params=params)][:k]

    methods: list[tuple[str, Callable[[int], list[int]]]] = [
        (_("mutual connections"), lambda node: mutual_count_ranking(graph, node, k)),
        (_("Adamic–Adar"), lambda node: adamic_adar_ranking(graph, node, k)),
        (_("resource allocation"), lambda node: resource_allocation_ranking(graph, node, k)),
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
    return Evaluation(
        nodes=len(nodes),
        skipped=skipped,
        hidden_edges=len(hidden),
        hidden=total_hidden,
        digest=hidden_digest(hidden, label),
        k=k,
        scoring=params.scoring.name,
        scores=scores,
    )
