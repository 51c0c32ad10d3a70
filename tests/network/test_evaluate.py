"""The offline evaluation: reading edge lists, hiding edges, and scores on graphs where
the right answer is known."""

from __future__ import annotations

from io import StringIO
from itertools import combinations

import pytest
from django.core.management import CommandError, call_command

from guanxi.network.models import Connection
from guanxi.network.suggestions.evaluation import (
    adamic_adar_ranking,
    evaluate,
    hide_edges,
    mutual_count_ranking,
    read_edge_list,
)
from guanxi.network.suggestions.recompute import MemoryGraph
from tests.network.suggestion_helpers import link, members, tag


def cliques(count: int, size: int, start: int = 1) -> list[tuple[int, int]]:
    """`count` separate complete graphs of `size` nodes each."""
    edges = []
    for c in range(count):
        nodes = range(start + c * size, start + (c + 1) * size)
        edges.extend(combinations(nodes, 2))
    return edges


def test_reading_an_edge_list():
    text = """# a comment
1 2
2,3   # trailing comment

3\t1
1 2
2 1
4 4
5
6 7 8
x y
"""
    found = read_edge_list(StringIO(text))
    assert [number for number, _why in found.problems] == [9, 10]
    assert found.duplicates == 2 and found.self_loops == 1
    assert not found.numeric  # "x y" makes the ids labels, numbered in order of appearance
    assert found.labels == ["1", "2", "3", "x", "y"]
    assert found.edges == [(0, 1), (1, 2), (0, 2), (3, 4)]
    numeric = read_edge_list(StringIO("10 20\n20 30\n"))
    assert numeric.numeric and numeric.edges == [(10, 20), (20, 30)]


def test_hiding_is_seeded_and_complete():
    edges = cliques(3, 6)
    kept, hidden = hide_edges(edges, 0.1, seed=42)
    assert len(hidden) == round(len(edges) * 0.1) == 4
    assert sorted(kept + hidden) == sorted(edges)
    assert hide_edges(edges, 0.1, seed=42) == (kept, hidden)
    assert hide_edges(edges, 0.1, seed=7)[1] != hidden


def test_every_method_finds_edges_hidden_inside_cliques():
    # In a complete graph, the only non-neighbours of a node are the ones whose edge was
    # hidden, and they share all the other members: every ranking must find them all.
    result = evaluate(cliques(6, 6), share=0.1, seed=42, k=10)
    assert result.hidden > 0
    for score in result.scores:
        assert score.recall == 1.0, score
        assert score.precision == result.hidden / (10 * result.nodes)


def test_adamic_adar_discounts_hubs_where_counting_cannot():
    # u knows a hub (connected to everyone) and q (connected to u and w only).
    # v shares the hub with u; w shares q. Counting ties them; Adamic–Adar prefers w.
    hub, u, q, v, w = 0, 1, 2, 3, 4
    crowd = list(range(5, 25))
    edges = [(u, hub), (u, q), (v, hub), (w, q)] + [(hub, c) for c in crowd]
    graph = MemoryGraph.from_edges(edges)
    assert mutual_count_ranking(graph, u, 2) == [3, 4]  # a tie, broken by id
    assert adamic_adar_ranking(graph, u, 1) == [w]


def test_our_ranking_is_no_worse_than_the_baselines_on_a_clustered_graph():
    from guanxi.demo.graph import GraphShape, generate_edges

    groups = [[f"company:{i % 15}", f"city:{i % 4}"] for i in range(300)]
    edges = generate_edges(groups, GraphShape(edges=2400, hubs=1, hub_degree=150), seed=3)
    result = evaluate(edges, seed=42, k=10)
    by_name = {score.name: score for score in result.scores}
    assert by_name["ours (graph only)"].recall >= by_name["mutual connections"].recall
    assert by_name["ours (graph only)"].recall > 0.1


@pytest.mark.django_db
def test_command_reports_bad_lines_and_scores(tmp_path):
    path = tmp_path / "edges.txt"
    lines = ["# six cliques of six", *(f"{a} {b}" for a, b in cliques(6, 6, start=1000)), "oops"]
    path.write_text("\n".join(lines) + "\n")
    out, err = StringIO(), StringIO()
    call_command("evaluate_suggestions", str(path), "--seed", "42", stdout=out, stderr=err)
    assert "line 92: expected two ids, found 1 values (skipped)" in err.getvalue()
    report = out.getvalue()
    assert "90 edges between 36 ids" in report
    for name in ("mutual connections", "Adamic–Adar", "ours (graph only)"):
        row = next(line for line in report.splitlines() if line.startswith(name))
        assert row.split()[-3] == "1.0000", row
    assert "graph and profiles" not in report  # these ids are not members


def test_command_rejects_bad_arguments(tmp_path):
    with pytest.raises(CommandError):
        call_command("evaluate_suggestions", str(tmp_path / "missing.txt"))
    path = tmp_path / "tiny.txt"
    path.write_text("1 2\n")
    with pytest.raises(CommandError):
        call_command("evaluate_suggestions", str(path))
    with pytest.raises(CommandError):
        call_command("evaluate_suggestions", str(path), "--k", "0")


@pytest.mark.django_db
def test_command_uses_profiles_when_ids_are_members(tmp_path):
    people = members("m", 24)
    # Four groups of six, each a clique; each group shares a tag.
    for g in range(4):
        group = people[g * 6 : (g + 1) * 6]
        for person in group:
            tag(person, f"topic{g}")
        for a, b in combinations(group, 2):
            link(a, b)
    exported = tmp_path / "graph.txt"
    call_command("export_graph_edges", str(exported), stdout=StringIO())
    text = exported.read_text()
    assert (
        len([line for line in text.splitlines() if not line.startswith("#")])
        == Connection.objects.count()
        == 60
    )
    out = StringIO()
    call_command("evaluate_suggestions", str(exported), stdout=out)
    report = out.getvalue()
    row = next(line for line in report.splitlines() if line.startswith("ours (graph and profiles)"))
    assert row.split()[-3] == "1.0000", report
    with pytest.raises(CommandError):
        bogus = tmp_path / "bogus.txt"
        bogus.write_text(text + "999998 999999\n")
        call_command("evaluate_suggestions", str(bogus), "--traits", "yes", stdout=StringIO())
