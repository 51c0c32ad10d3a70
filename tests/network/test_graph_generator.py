"""The demo graph generator: heavy-tailed degrees, hubs, clusters, bulk writing."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from guanxi.demo.graph import (
    GraphShape,
    degree_counts,
    expected_degrees,
    generate_edges,
    seed_graph,
    tail_summary,
)
from guanxi.network.models import Connection, Follow
from tests.network.suggestion_helpers import members, tag

N = 3000


def _groups(n: int = N) -> list[list[str]]:
    rng = random.Random(5)
    return [
        [
            f"company:{rng.randrange(120)}",
            f"city:{rng.randrange(8)}",
            f"interest:{rng.randrange(40)}",
        ]
        for _ in range(n)
    ]


@pytest.fixture(scope="module")
def graph():
    shape = GraphShape(edges=30_000, hubs=3, hub_degree=600, max_degree=300)
    groups = _groups()
    edges = generate_edges(groups, shape, seed=1)
    return groups, edges, degree_counts(N, edges)


def test_edge_count_and_simple_graph(graph):
    _groups, edges, _degrees = graph
    assert 29_900 <= len(edges) <= 30_000 + 3 * 600
    assert all(a < b for a, b in edges)  # no self-loops, low id first
    assert len(set(edges)) == len(edges)  # no duplicates


def test_degrees_are_heavy_tailed_with_hubs(graph):
    _groups, _edges, degrees = graph
    summary = tail_summary(degrees)
    # The mean is twice edges per member; the median well below it (a long right tail).
    assert 19 <= summary["mean"] <= 22
    assert summary["median"] < 0.8 * summary["mean"]
    assert summary["p99"] > 4 * summary["median"]
    # The three hubs reach their degree; nobody else comes close.
    assert sorted(degrees[:3]) == [600, 600, 600]
    assert max(degrees[3:]) < 600
    # Many members with few connections, a few with many.
    few = sum(1 for d in degrees if d <= 10)
    many = sum(1 for d in degrees if d >= 100)
    assert few > 10 * many > 0


def test_ties_cluster_inside_circles(graph):
    groups, edges, _degrees = graph
    company = [g[0] for g in groups]
    same = sum(1 for a, b in edges if company[a] == company[b])
    # 120 companies: random ties would share a company about 1% of the time.
    assert same / len(edges) > 0.15


def test_same_seed_same_graph():
    groups = _groups(400)
    shape = GraphShape(edges=2000, hubs=1, hub_degree=100)
    assert generate_edges(groups, shape, seed=9) == generate_edges(groups, shape, seed=9)
    assert generate_edges(groups, shape, seed=9) != generate_edges(groups, shape, seed=10)


def test_small_and_degenerate_inputs():
    assert generate_edges([], GraphShape(edges=10)) == []
    assert generate_edges([["city:a"]], GraphShape(edges=10)) == []
    two = generate_edges([["city:a"], ["city:a"]], GraphShape(edges=10))
    assert two == [(0, 1)]  # at most every pair once
    assert expected_degrees(1, GraphShape(edges=5), random.Random(1)) == [0.0]


def test_expected_degrees_add_up():
    shape = GraphShape(edges=5000, hubs=2, hub_degree=300)
    degrees = expected_degrees(1000, shape, random.Random(2))
    assert degrees[:2] == [300.0, 300.0]
    assert abs(sum(degrees) - 2 * 5000) < 1
    assert max(degrees[2:]) <= shape.max_degree


@pytest.mark.django_db
def test_seed_graph_writes_connections_and_follows_once():
    people = members("demo", 60)
    for i, person in enumerate(people):
        person.is_demo = True
        person.save()
        tag(person, f"topic{i % 4}")
    shape = GraphShape(edges=200, hubs=1, hub_degree=30)
    made = seed_graph(shape=shape, seed=4)
    assert made == Connection.objects.count() >= 200
    assert Follow.objects.count() == 2 * made
    hub = min(p.pk for p in people)
    per_member = Counter()
    for low, high in Connection.objects.values_list("user_low_id", "user_high_id"):
        assert low < high
        per_member[low] += 1
        per_member[high] += 1
    assert per_member[hub] == 30
    # Idempotent: the same seed adds nothing the second time.
    seed_graph(shape=shape, seed=4)
    assert Connection.objects.count() == made


@pytest.mark.django_db
def test_a_city_circle_is_the_gazetteers_place_whatever_the_language_typed():
    """The demo's "same city" ties are the ranking's: 上海 and Shanghai one circle, a city
    the gazetteer does not know none (it would be a reason the ranking never states)."""
    from guanxi.demo.graph import member_circles
    from tests.factories import make_member

    mei = make_member("mei", city="上海", company="Acme")
    tom = make_member("tom", city="Shanghai")
    nowhere = make_member("nowhere", city="Atlantis-under-the-sea")
    circles = member_circles([mei.pk, tom.pk, nowhere.pk])
    mei_city = [c for c in circles[0] if c.startswith("city:")]
    assert mei_city == [f"city:{mei.profile.place_id}"] and mei.profile.place_id is not None
    assert [c for c in circles[1] if c.startswith("city:")] == mei_city
    assert not [c for c in circles[2] if c.startswith("city:")]
    assert nowhere.profile.city == "Atlantis-under-the-sea" and nowhere.profile.place_id is None
