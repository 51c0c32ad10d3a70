"""The demo community's network: a clustered, heavy-tailed graph of connections (see
graph.py), a few pending invitations and introductions, and precomputed suggestions.

Idempotent like the members: edges and invitations already there are left alone, and
introductions are only made while the demo has fewer than it should.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from guanxi.accounts.models import User
from guanxi.demo.graph import demo_shape, seed_graph
from guanxi.network import selectors
from guanxi.network.errors import NetworkError
from guanxi.network.introductions.services import introduction_create
from guanxi.network.models import Connection, ConnectionRequest, Introduction
from guanxi.network.suggestions.recompute import recompute_all
from guanxi.notifications.services import notify

INVITATION_NOTES = (
    "Great to meet you at the meetup last week — let's stay in touch.",
    "We seem to share a lot of interests; would love to connect.",
    "很高兴在活动上认识你，保持联系！",
    "",
    "I enjoyed your talk on community building.",
)
INTRODUCTION_NOTE = "You two should meet: you work on similar things and I think you'd get on."


@dataclass(frozen=True)
class NetworkReport:
    edges: int
    invitations: int
    introductions: int
    suggestions: int


def _demo_ids() -> list[int]:
    return list(
        User.objects.filter(is_demo=True, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _second_degree_pairs(ids: list[int], rng: random.Random, wanted: int) -> list[tuple[int, int]]:
    """Pairs two hops apart, found by walking from random members."""
    pairs: list[tuple[int, int]] = []
    for _attempt in range(wanted * 10):
        if len(pairs) >= wanted:
            break
        start = rng.choice(ids)
        first = sorted(selectors.connection_ids(start))
        if not first:
            continue
        second = sorted(selectors.connection_ids(rng.choice(first)) - set(first) - {start})
        if second:
            pairs.append((start, rng.choice(second)))
    return pairs


def _seed_invitations(ids: list[int], rng: random.Random) -> int:
    wanted = max(3, len(ids) // 50)
    if ConnectionRequest.objects.filter(sender__is_demo=True).count() >= wanted:
        return 0
    made = 0
    pairs = _second_degree_pairs(ids, rng, wanted)
    people = User.objects.in_bulk({member for pair in pairs for member in pair})
    for sender, recipient in pairs:
        low, high = selectors.pair(sender, recipient)
        if Connection.objects.filter(user_low_id=low, user_high_id=high).exists():
            continue
        request, created = ConnectionRequest.objects.get_or_create(
            pair_low_id=low,
            pair_high_id=high,
            defaults={
                "sender_id": sender,
                "recipient_id": recipient,
                "note": rng.choice(INVITATION_NOTES),
            },
        )
        if created:
            notify(
                recipient=people[recipient],
                kind="connection_request",
                actor=people[sender],
                data={"request_id": request.pk},
            )
        made += created
    return made


def _seed_introductions(ids: list[int], rng: random.Random) -> int:
    wanted = max(2, len(ids) // 100)
    if Introduction.objects.filter(introducer__is_demo=True).count() >= wanted:
        return 0
    made = 0
    introducers = User.objects.in_bulk(rng.sample(ids, min(len(ids), wanted * 5)))
    for introducer in introducers.values():
        if made >= wanted:
            break
        friends = sorted(selectors.connection_ids(introducer.pk))
        if len(friends) < 2:
            continue
        a, b = rng.sample(friends, 2)
        try:
            introduction_create(introducer=introducer, a_id=a, b_id=b, note=INTRODUCTION_NOTE)
        except NetworkError:  # already connected, a limit, ...: try another pair
            continue
        made += 1
    return made


def seed_demo_network(*, seed: int, progress=None) -> NetworkReport:
    ids = _demo_ids()
    if len(ids) < 3:
        return NetworkReport(edges=0, invitations=0, introductions=0, suggestions=0)
    edges = seed_graph(user_ids=ids, shape=demo_shape(len(ids)), seed=seed, progress=progress)
    rng = random.Random(f"guanxi-demo-network:{seed}")
    with transaction.atomic():
        invitations = _seed_invitations(ids, rng)
    introductions = _seed_introductions(ids, rng)
    report = recompute_all(processes=1)
    return NetworkReport(
        edges=edges,
        invitations=invitations,
        introductions=introductions,
        suggestions=report.rows,
    )


def demo_network_exists() -> bool:
    return Connection.objects.filter(
        Q(user_low__is_demo=True) | Q(user_high__is_demo=True)
    ).exists()
