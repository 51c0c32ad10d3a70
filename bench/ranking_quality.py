"""Quality of the people-you-may-know ranking on real graphs, without a network.

The graphs are the real social networks that networkx ships inside its wheel (Zachary's
karate club, Les Misérables co-appearances, Florentine families' marriages, the Davis
southern women's co-attendance, projected onto the women), plus any edge-list files
given. Each goes through the same protocol as `guanxi evaluate_suggestions` (seeded
shuffle, 10 % hidden, every member, k = 10): one seed (the protocol's figure) and the
mean over several seeds (small graphs hide few edges, so one seed is noisy).

    .venv/bin/python bench/ranking_quality.py
    .venv/bin/python bench/ranking_quality.py --seeds 20 /tmp/edges.txt
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

METHODS = ("ours (graph only)", "Adamic–Adar", "resource allocation", "mutual connections")


def networkx_graphs() -> dict[str, list[tuple[int, int]]]:
    import networkx as nx

    davis = nx.davis_southern_women_graph()
    women = [n for n, data in davis.nodes(data=True) if data["bipartite"] == 0]
    graphs = {
        "karate club (networkx)": nx.karate_club_graph(),
        "Les Misérables co-appearance (networkx)": nx.les_miserables_graph(),
        "Florentine families (networkx)": nx.florentine_families_graph(),
        "Davis women co-attendance (networkx)": nx.bipartite.projected_graph(davis, women),
    }
    found = {}
    for name, graph in graphs.items():
        graph = nx.convert_node_labels_to_integers(graph)
        found[name] = sorted((min(a, b), max(a, b)) for a, b in graph.edges() if a != b)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="more edge lists (evaluate_suggestions format)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1..N for the mean")
    args = parser.parse_args()

    import django

    django.setup()
    from guanxi.network.suggestions.evaluation import evaluate, read_edge_file

    graphs = networkx_graphs()
    for path in args.files:
        graphs[Path(path).name] = read_edge_file(path).edges
    print(f"seed {args.seed}: recall@10 / precision@10; mean recall@10 over seeds 1-{args.seeds}")
    print(
        "| graph | nodes / edges | scoring chosen | "
        + " | ".join(METHODS)
        + " | mean: "
        + " / ".join(METHODS)
        + " |"
    )
    for name, edges in graphs.items():
        nodes = len({n for edge in edges for n in edge})
        result = evaluate(edges, seed=args.seed)
        runs = [evaluate(edges, seed=seed) for seed in range(1, args.seeds + 1)]
        cells = [f"{result.score(m).recall:.3f} / {result.score(m).precision:.3f}" for m in METHODS]
        means = [f"{statistics.mean(r.score(m).recall for r in runs):.3f}" for m in METHODS]
        print(
            f"| {name} | {nodes} / {len(edges)} | {result.scoring} | "
            + " | ".join(cells)
            + " | "
            + " / ".join(means)
            + " |",
            flush=True,
        )


if __name__ == "__main__":
    main()
