"""The offline evaluation: reading edge lists, hiding edges, and scores on graphs where
the right answer is known."""

from __future__ import annotations

import hashlib
import random
from io import StringIO
from itertools import combinations

import pytest
from django.core.management import CommandError, call_command

from guanxi.network.models import Connection
from guanxi.network.suggestions.evaluation import (
    adamic_adar_ranking,
    evaluate,
    hidden_digest,
    hide_edges,
    mutual_count_ranking,
    read_edge_list,
    resource_allocation_ranking,
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
% a KONECT / Matrix Market comment
1 2
2,3   # trailing comment

3\t1 0.5 1288000000
1 2
2 1
4 4
5
x y
"""
    found = read_edge_list(StringIO(text))
    assert [number for number, _why in found.problems] == [10]  # "5": one value
    assert found.duplicates == 2 and found.self_loops == 1
    assert found.header is None
    assert not found.numeric  # "x y" makes the ids labels, numbered in order of appearance
    assert found.labels == ["1", "2", "3", "x", "y"]
    # Columns after the second (a weight, a timestamp) are ignored.
    assert found.edges == [(0, 1), (1, 2), (0, 2), (3, 4)]
    numeric = read_edge_list(StringIO("10 20\n20 30\n"))
    assert numeric.numeric and numeric.edges == [(10, 20), (20, 30)]


def test_a_node_and_edge_count_line_is_skipped_only_when_it_counts_the_rest():
    body = "1 2\n2 3\n3 4\n"
    for header in ("4 3", "4\t3", "4 4 3", "5 3"):  # nodes (or highest id + 1), edges
        found = read_edge_list(StringIO(f"% sym\n{header}\n{body}"))
        assert found.header == 2, header
        assert found.edges == [(1, 2), (2, 3), (3, 4)]
    # An edge that merely looks like a count is an edge.
    for first in ("4 2", "7 3", "1 5"):
        found = read_edge_list(StringIO(f"{first}\n{body}"))
        assert found.header is None and len(found.edges) == 4, first
    # Both directions listed: the count may be of undirected edges.
    found = read_edge_list(StringIO("3 2\n1 2\n2 1\n2 3\n3 2\n"))
    assert found.header == 1 and found.edges == [(1, 2), (2, 3)]


def test_reading_the_real_graphs_formats():
    """The layouts of the files measured in docs/PERFORMANCE.md: SNAP (a `#` header,
    tabs, each edge both ways), a SNAP ego network (spaces, a stray self-loop) and
    Pajek (`*Vertices` with labels, an empty `*Arcs`, `*Edges` with weights)."""
    snap = """# Directed graph (each unordered pair of nodes is saved once): CA-GrQc.txt
# Collaboration network of Arxiv General Relativity category
# Nodes: 3 Edges: 4
# FromNodeId\tToNodeId
3466\t937
3466\t5233
937\t3466
5233\t3466
"""
    found = read_edge_list(StringIO(snap))
    assert found.numeric and found.problems == [] and found.header is None
    assert found.edges == [(937, 3466), (3466, 5233)] and found.duplicates == 2
    ego = read_edge_list(StringIO("0 0\n236 186\n186 236\n122 285\n"))
    assert ego.edges == [(186, 236), (122, 285)] and ego.self_loops == 1
    pajek = """*Vertices     4
       1 "Duke Ellington"   0.1 0.2
       2 "Count Basie"
       3 "x"
       4 "4 5"
*Arcs
*Edges
       1       2        1
       2       3        1
       1       2        1
*Edgeslist
       3 4 1
       4
"""
    found = read_edge_list(StringIO(pajek))
    assert found.problems == [] and found.header is None and found.numeric
    assert found.edges == [(1, 2), (2, 3), (3, 4), (1, 3)] and found.duplicates == 1
    # A first Pajek edge that happens to look like a count is an edge all the same.
    assert read_edge_list(StringIO("*Edges\n3 2\n1 2\n2 3\n")).edges == [(2, 3), (1, 2)]
    odd = read_edge_list(StringIO("*Matrix\n0 1\n1 0\n*Edges\n5 6\n"))
    assert odd.problems == [(1, "unknown Pajek section *Matrix")]
    assert odd.edges == [(5, 6)]


def test_hiding_shuffles_with_the_seed_whatever_the_file_order():
    edges = cliques(3, 6)
    kept, hidden = hide_edges(edges, 0.1, seed=42)
    assert len(hidden) == round(len(edges) * 0.1) == 4
    assert sorted(kept + hidden) == sorted(edges)
    assert hide_edges(list(reversed(edges)), 0.1, seed=42) == (kept, hidden)
    assert hide_edges(edges, 0.1, seed=7)[1] != hidden
    # The protocol: the seeded shuffle's first 10 %.
    shuffled = sorted(edges)
    random.Random(42).shuffle(shuffled)
    assert hidden == sorted(shuffled[:4])


def test_the_digest_names_the_hidden_set_in_the_files_ids():
    edges = cliques(3, 6)
    _kept, hidden = hide_edges(edges, 0.1, seed=42)
    text = "".join(sorted(" ".join(sorted((str(a), str(b)))) + "\n" for a, b in hidden))
    assert hidden_digest(hidden) == hashlib.sha256(text.encode()).hexdigest()
    assert hidden_digest(reversed(hidden)) == hidden_digest(hidden)
    assert hidden_digest(hide_edges(edges, 0.1, seed=7)[1]) != hidden_digest(hidden)
    result = evaluate(edges, seed=42)
    assert result.digest == hidden_digest(hidden) and result.hidden_edges == 4


def test_members_whose_every_edge_was_hidden_are_skipped():
    # A star: centre 0 with leaves 1..10, plus a triangle 20-21-22. Whichever edges
    # are hidden, a hidden leaf keeps no edge and cannot be evaluated.
    edges = [(0, leaf) for leaf in range(1, 11)] + [(20, 21), (21, 22), (20, 22)]
    result = evaluate(edges, share=0.3, seed=1)
    _kept, hidden = hide_edges(edges, 0.3, seed=1)
    leaves = {b for a, b in hidden if a == 0}
    assert leaves and result.skipped >= len(leaves)
    lost = {node for edge in hidden for node in edge}
    assert result.nodes + result.skipped == len(lost)


def test_everyone_is_evaluated_unless_a_sample_is_asked_for():
    edges = cliques(30, 6)
    everyone = evaluate(edges, seed=42)
    assert everyone.nodes == len({n for e in hide_edges(edges, 0.1, 42)[1] for n in e})
    assert everyone.nodes > 20
    sampled = evaluate(edges, seed=42, sample=20)
    assert sampled.nodes == 20
    assert evaluate(edges, seed=42, sample=20) == sampled  # the same sample each time


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


def test_resource_allocation_discounts_busy_connections_more_than_adamic_adar():
    # v shares q with u (q knows only u and v); w shares z1, z2, z3 with u, each of
    # whom knows seven people. Adamic–Adar: v 1/ln 2 = 1.44 < w 3/ln 7 = 1.54.
    # Resource allocation: v 1/2 > w 3/7.
    u, q, v, w = 1, 2, 3, 4
    edges = [(u, q), (q, v)]
    for z in (10, 20, 30):
        edges += [(u, z), (z, w)] + [(z, z + i) for i in range(1, 6)]
    graph = MemoryGraph.from_edges(edges)
    assert adamic_adar_ranking(graph, u, 1) == [w]
    assert resource_allocation_ranking(graph, u, 1) == [v]


def test_our_scoring_is_chosen_on_the_kept_edges_only():
    from guanxi.demo.graph import GraphShape, generate_edges
    from guanxi.network.suggestions.calibration import choose_scoring
    from guanxi.network.suggestions.rank import ADAMIC_ADAR, RESOURCE_ALLOCATION, Params

    # Clustered (15 companies, 4 cities), one hub; below the sampling bounds, so our
    # ranking with a classic scoring is exactly that classic scoring.
    groups = [[f"company:{i % 15}", f"city:{i % 4}"] for i in range(300)]
    edges = generate_edges(groups, GraphShape(edges=2400, hubs=1, hub_degree=60), seed=3)
    result = evaluate(edges, seed=42, k=10)
    kept, _hidden = hide_edges(edges, 0.1, 42)
    assert result.scoring == choose_scoring(MemoryGraph.from_edges(kept))[0].name == "circles"
    ours = result.score("ours (graph only)").recall
    assert ours > result.score("resource allocation").recall > result.score("Adamic–Adar").recall
    for scoring, baseline in (
        (RESOURCE_ALLOCATION, "resource allocation"),
        (ADAMIC_ADAR, "Adamic–Adar"),
    ):
        fixed = evaluate(edges, seed=42, params=Params(keep=10, scoring=scoring))
        assert fixed.score("ours (graph only)").hits == fixed.score(baseline).hits


@pytest.mark.parametrize(
    "graph",
    ["karate_club_graph", "les_miserables_graph", "florentine_families_graph"],
)
def test_ours_is_at_least_the_better_baseline_on_real_social_graphs(graph):
    """The figures of docs/PERFORMANCE.md (seed 42): small real graphs that networkx
    ships, where the scoring chosen on the kept edges must not lose to either."""
    import networkx

    g = networkx.convert_node_labels_to_integers(getattr(networkx, graph)())
    edges = sorted((min(a, b), max(a, b)) for a, b in g.edges() if a != b)
    result = evaluate(edges, seed=42)
    ours = result.score("ours (graph only)")
    for baseline in ("mutual connections", "Adamic–Adar", "resource allocation"):
        assert ours.recall >= result.score(baseline).recall, (graph, result)


def test_ours_never_loses_to_resource_allocation_on_les_miserables_whatever_the_seed():
    """Les Misérables co-appearances (networkx): resource allocation beats Adamic–Adar
    on some splits. Calibration used to follow near ties on the validation split and
    then lose to resource allocation on the test split (seeds 1-20: 0.879 against
    0.880); it now keeps resource allocation unless another is clearly better, so ours
    finds at least what each classic score finds, on every split."""
    import networkx

    g = networkx.convert_node_labels_to_integers(networkx.les_miserables_graph())
    edges = sorted((min(a, b), max(a, b)) for a, b in g.edges() if a != b)
    ra_ahead = 0
    for seed in (42, *range(1, 21)):
        result = evaluate(edges, seed=seed)
        ours = result.score("ours (graph only)").hits
        ra, aa = (result.score(n).hits for n in ("resource allocation", "Adamic–Adar"))
        assert ours >= ra and ours >= aa, (seed, result)
        ra_ahead += ra > aa
    assert ra_ahead >= 2  # the graph does tell the two apart


def test_ours_is_at_least_the_better_baseline_on_the_davis_co_attendance_graph():
    """A co-membership graph like co-authorship (women linked by the events they
    attended together, networkx's Davis southern women), seeds 1-5."""
    import networkx

    davis = networkx.davis_southern_women_graph()
    women = [n for n, data in davis.nodes(data=True) if data["bipartite"] == 0]
    g = networkx.convert_node_labels_to_integers(networkx.bipartite.projected_graph(davis, women))
    edges = sorted((min(a, b), max(a, b)) for a, b in g.edges())
    for seed in range(1, 6):
        result = evaluate(edges, seed=seed)
        best = max(result.score(b).hits for b in ("Adamic–Adar", "resource allocation"))
        assert result.score("ours (graph only)").hits >= best, (seed, result)


def test_a_hub_is_walked_whole_while_the_budget_allows():
    """The first version read at most 100 of a hub's connections, so a candidate known
    through the hub and one other could miss the shortlist: with the walk's budget
    the hub's 400 are read whole and ours is exactly Adamic–Adar."""
    from guanxi.network.suggestions.rank import ADAMIC_ADAR, Params, rank

    rng = random.Random(7)
    hub = 0
    edges = {(hub, n) for n in range(1, 401)}
    while len(edges) < 1600:
        a, b = sorted(rng.sample(range(1, 401), 2))
        edges.add((a, b))
    graph = MemoryGraph.from_edges(sorted(edges))
    params = Params(keep=10, scoring=ADAMIC_ADAR)
    for member in range(1, 60):
        ours = [r.user_id for r in rank(member, graph, params=params)][:10]
        assert ours == adamic_adar_ranking(graph, member, 10), member


def test_the_budget_cuts_only_the_longest_lists_to_one_length():
    from guanxi.network.suggestions.rank import water_fill

    assert water_fill([3, 5, 400], budget=10_000) == 400  # everything fits: read whole
    assert water_fill([3, 5, 400], budget=108) == 100  # 3 + 5 whole, the hub cut to 100
    assert water_fill([50, 50, 50], budget=90) == 30
    assert water_fill([], budget=10) == 1
    assert water_fill([1000, 1000], budget=1) == 1


def test_calibration_ranks_each_way_as_rank_does():
    """graph_rankings reads the walk once for the three scorings; each list is the
    one rank() gives with that scoring."""
    from dataclasses import replace

    from guanxi.network.suggestions.rank import DEFAULT_PARAMS, SCORINGS, graph_rankings, rank

    rng = random.Random(11)
    edges = sorted({tuple(sorted(rng.sample(range(120), 2))) for _ in range(900)})
    graph = MemoryGraph.from_edges(edges)
    scorings = list(SCORINGS.values())
    for member in range(0, 120, 7):
        tops = graph_rankings(member, graph, scorings, DEFAULT_PARAMS, 10)
        for scoring in scorings:
            params = replace(DEFAULT_PARAMS, scoring=scoring, keep=10)
            assert tops[scoring.name] == [r.user_id for r in rank(member, graph, params=params)]


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


@pytest.mark.django_db
def test_command_skips_a_count_header_reports_the_digest_and_samples(tmp_path):
    edges = cliques(6, 6, start=1000)
    path = tmp_path / "edges.tsv"
    lines = ["% konect style", "36 90", *(f"{a}\t{b}\t1" for a, b in edges)]
    path.write_text("\n".join(lines) + "\n")
    out = StringIO()
    call_command("evaluate_suggestions", str(path), stdout=out)
    report = out.getvalue()
    assert "line 2 counts nodes and edges: skipped as a header." in report
    assert "90 edges between 36 ids" in report
    _kept, hidden = hide_edges(edges, 0.1, 42)
    assert f"9 edges hidden, sha256 {hidden_digest(hidden)}" in report
    assert "resource allocation" in report
    out = StringIO()
    call_command("evaluate_suggestions", str(path), "--sample", "5", stdout=out)
    assert "5 members evaluated" in out.getvalue()


def test_command_rejects_bad_arguments(tmp_path):
    with pytest.raises(CommandError):
        call_command("evaluate_suggestions", str(tmp_path / "missing.txt"))
    path = tmp_path / "tiny.txt"
    path.write_text("1 2\n")
    with pytest.raises(CommandError):
        call_command("evaluate_suggestions", str(path))
    with pytest.raises(CommandError):
        call_command("evaluate_suggestions", str(path), "--k", "0")
    with pytest.raises(CommandError):
        call_command("evaluate_suggestions", str(path), "--sample", "-1")


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
