"""Signed-in viewers and the requests they make, prepared with Django in this process.

Viewers are real members picked by their number of connections (about 10, 100, 1,000
and 5,000, or the nearest the dataset has). Each gets a session made by Django's session
store (the same rows the login view writes) and a personal access token for the API,
and their suggestions are computed and stored the way the background refresh does, so
the API serves them as on a running site. The profile page shows a random other member.
"""

from __future__ import annotations

import importlib.util
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from dataset import ROOT

DEGREE_TARGETS = (10, 100, 1000, 5000)
PER_DEGREE = 8
PROFILE_TARGETS = 2000


@dataclass
class Viewer:
    user_id: int
    handle: str
    degree: int
    session_key: str
    token: str


@dataclass
class Plan:
    """Everything the load generator needs; no Django object in it."""

    viewers: dict[int, list[Viewer]]  # degree target -> viewers
    handles: list[str]  # profile pages to show
    directory_cases: list[tuple[str, dict[str, str]]]
    session_cookie: str
    members: int
    connections: int
    notes: list[str] = field(default_factory=list)


def _django(data_dir: Path) -> None:
    from dataset import server_environment

    env = server_environment(data_dir)
    for name in set(os.environ) - set(env):  # DATABASE_URL, REDIS_URL of the caller
        del os.environ[name]
    os.environ.update(env)
    import django

    django.setup()


def _bench_module(name: str):
    """Another bench script as a module (one definition of what it already does)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _directory_bench():
    """bench/directory_bench.py's documented directory cases (one definition)."""
    return _bench_module("directory_bench")


def degrees() -> dict[int, int]:
    """Each member's number of connections: bench/network_bench.py's query."""
    return _bench_module("network_bench").degrees()


def _pick(degree: dict[int, int], active: set[int], target: int, rng: random.Random) -> list[int]:
    """Up to PER_DEGREE members within 20 % of `target` connections (a random choice
    among them), or the nearest ones when the dataset has none that close."""
    near = [u for u, d in degree.items() if u in active and abs(d - target) <= 0.2 * target]
    if len(near) > PER_DEGREE:
        return rng.sample(sorted(near), PER_DEGREE)
    if near:
        return sorted(near)
    ordered = sorted((u for u in degree if u in active), key=lambda u: (abs(degree[u] - target), u))
    return ordered[:PER_DEGREE]


def prepare(data_dir: Path, *, targets=DEGREE_TARGETS, seed: int = 7) -> Plan:
    _django(data_dir)
    from django.conf import settings
    from django.core.management import call_command

    # The schema of the code under test before its models write (the server migrates
    # too, but after this).
    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from guanxi.accounts.models import User
    from guanxi.accounts.services import access_token_create, access_tokens_revoke_all
    from guanxi.network.suggestions.services import refresh_member

    rng = random.Random(seed)
    degree = degrees()
    active = set(
        User.objects.filter(is_active=True, is_staff=False, pk__in=list(degree)).values_list(
            "pk", flat=True
        )
    )
    users = {}
    chosen: dict[int, list[int]] = {t: _pick(degree, active, t, rng) for t in targets}
    for user in User.objects.filter(pk__in={u for ids in chosen.values() for u in ids}):
        users[user.pk] = user
    viewers: dict[int, list[Viewer]] = {}
    backend = settings.AUTHENTICATION_BACKENDS[0]
    made: dict[int, Viewer] = {}  # a member in two buckets (a small dataset) is made once
    for target, ids in chosen.items():
        viewers[target] = []
        for uid in ids:
            if uid not in made:
                user = users[uid]
                session = SessionStore()
                session[SESSION_KEY] = str(user.pk)
                session[BACKEND_SESSION_KEY] = backend
                session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                session.create()
                access_tokens_revoke_all(user=user)
                _token, raw = access_token_create(user=user, name="http bench")
                refresh_member(uid)  # stored suggestions, as the background refresh leaves them
                made[uid] = Viewer(uid, user.username, degree[uid], session.session_key, raw)
            viewers[target].append(made[uid])
    all_ids = sorted(User.objects.filter(is_active=True).values_list("pk", flat=True))
    sample = rng.sample(all_ids, min(PROFILE_TARGETS, len(all_ids)))
    handles = list(User.objects.filter(pk__in=sample).values_list("username", flat=True))
    bench = _directory_bench()
    cases = bench.directory_cases(bench.pick_filters())
    plan = Plan(
        viewers=viewers,
        handles=handles,
        directory_cases=cases,
        session_cookie=settings.SESSION_COOKIE_NAME,
        members=len(all_ids),
        connections=sum(degree.values()) // 2,
    )
    connections.close_all()
    return plan
