"""Benchmark of the member graph at community scale (issue 3).

Builds, in a throwaway database, the demo community at 100k members and a generated
graph of 2M connections (heavy-tailed degrees, a few 5,000-connection hubs), then
measures: people-you-may-know as served and as computed live for members with about
10, 100, 1,000 and 5,000 connections; the profile view's degree badge and mutual
connections; introduction ideas (when that module exists); a full recompute.

    .venv/bin/python bench/network_bench.py                 # temp SQLite file, full size
    .venv/bin/python bench/network_bench.py --members 20000 --edges 400000
    .venv/bin/python bench/network_bench.py --db /tmp/net.sqlite3   # keep / reuse the data
    .venv/bin/python bench/network_bench.py --database-url postgres://postgres@127.0.0.1/gx_bench

Seeding 100k/2M takes several minutes; `--db` keeps the file so later runs skip it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=2_000_000)
    parser.add_argument("--hubs", type=int, default=5)
    parser.add_argument("--hub-degree", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", help="SQLite file to build or reuse (default: a temp file)")
    parser.add_argument("--database-url", help="use this database instead (e.g. PostgreSQL)")
    parser.add_argument("--samples", type=int, default=200, help="requests per measurement")
    parser.add_argument("--processes", type=int, default=2, help="for the full recompute")
    parser.add_argument("--skip-recompute", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help="build the data and stop")
    parser.add_argument(
        "--export-edges", help="also write the graph's edge list to this file (for evaluation)"
    )
    return parser.parse_args()


def configure(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="guanxi-netbench-"))
    os.environ.setdefault("GUANXI_DATA_DIR", str(workdir))
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        path = Path(args.db) if args.db else workdir / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    os.environ.setdefault("GUANXI_ENV", "development")
    os.environ["DEBUG"] = "0"  # no query log: it would be measured too
    import django

    django.setup()


def say(text: str) -> None:
    print(text, flush=True)


def seed(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from guanxi.accounts.models import User
    from guanxi.demo.graph import GraphShape, seed_graph
    from guanxi.demo.seeding import refresh_statistics, seed_demo
    from guanxi.network.models import Connection

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    have = User.objects.filter(is_demo=True).count()
    if have < args.members:
        say(f"Seeding {args.members:,} members ...")

        def progress(done: int, total: int) -> None:
            if done % 10_000 == 0 or done == total:
                say(f"  members {done:,}/{total:,} ({time.monotonic() - started:.0f} s)")

        seed_demo(members=args.members, seed=args.seed, progress=progress)
    if not Connection.objects.exists():
        say(f"Generating and inserting {args.edges:,} connections ...")
        t0 = time.monotonic()

        def edge_progress(done: int, total: int) -> None:
            if done % 200_000 == 0 or done == total:
                say(f"  connections {done:,}/{total:,} ({time.monotonic() - t0:.0f} s)")

        seed_graph(
            shape=GraphShape(edges=args.edges, hubs=args.hubs, hub_degree=args.hub_degree),
            seed=args.seed,
            follows=False,
            progress=edge_progress,
        )
        refresh_statistics()
    say(f"Data ready in {time.monotonic() - started:.0f} s.")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(fn, samples: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds of `samples` calls of fn(i)."""
    durations = []
    for i in range(samples):
        t0 = time.perf_counter()
        fn(i)
        durations.append((time.perf_counter() - t0) * 1000)
    return statistics.median(durations), percentile(durations, 99)


def warm_cache(args: argparse.Namespace) -> None:
    """Read the SQLite file once: a serving machine has its hot data in the page cache,
    and a just-built file may not be (the first reads would measure the disk)."""
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and Path(name).exists():
        with open(name, "rb") as handle:
            while handle.read(1 << 24):
                pass


def degrees() -> dict[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u, SUM(n) FROM ("
            " SELECT user_low_id AS u, COUNT(*) AS n FROM network_connection GROUP BY user_low_id"
            " UNION ALL"
            " SELECT user_high_id AS u, COUNT(*) AS n FROM network_connection GROUP BY user_high_id"
            ") AS d GROUP BY u"
        )
        return {u: int(n) for u, n in cursor.fetchall()}


TARGETS = (10, 100, 1000, 5000)


def buckets(degree: dict[int, int], per_bucket: int = 30) -> dict[int, list[int]]:
    """For each target degree, up to `per_bucket` members closest to it (within 20%)."""
    ordered = sorted(degree.items(), key=lambda kv: kv[0])
    found = {}
    for target in TARGETS:
        near = sorted(ordered, key=lambda kv: (abs(kv[1] - target), kv[0]))[:per_bucket]
        found[target] = [u for u, d in near if abs(d - target) <= 0.2 * target] or [near[0][0]]
    return found


def row(label: str, p50: float, p99: float, extra: str = "") -> None:
    say(f"  {label:<44} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms  {extra}")


def measure(args: argparse.Namespace) -> None:
    import random

    from django.contrib.auth import get_user_model

    from guanxi.network import selectors
    from guanxi.network.suggestions import selectors as served
    from guanxi.network.suggestions.recompute import recompute_all

    User = get_user_model()
    warm_cache(args)
    degree = degrees()
    edges = sum(degree.values()) // 2
    say(
        f"Graph: {len(degree):,} members with connections, {edges:,} connections, "
        f"max degree {max(degree.values()):,}."
    )
    chosen = buckets(degree)
    for target, members in chosen.items():
        ds = [degree[u] for u in members]
        say(f"  ~{target:>5} connections: {len(members)} members, degrees {min(ds)}-{max(ds)}")

    if not args.skip_recompute:
        say(f"Full recompute ({args.processes} processes) ...")
        t0 = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] > 30 or done == total:
                last[0] = time.monotonic()
                say(f"  {done:,}/{total:,} ({time.monotonic() - t0:.0f} s)")

        import resource

        before = [
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        ]
        report = recompute_all(processes=args.processes, restart=True, progress=progress)
        after = [
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        ]
        cpu = [
            (a.ru_utime + a.ru_stime) - (b.ru_utime + b.ru_stime)
            for a, b in zip(after, before, strict=True)
        ]
        say(
            f"  CPU time: {cpu[0]:.0f} s in this process (loading, writing), "
            f"{cpu[1]:.0f} s in the workers (ranking)"
        )
        say(
            f"  {report.computed:,} members, {report.rows:,} suggestions in "
            f"{time.monotonic() - t0:.1f} s ({report.seconds:.1f} s inside)"
        )

    users = {u.pk: u for u in User.objects.filter(pk__in=[u for m in chosen.values() for u in m])}
    n = args.samples

    say("People you may know, as served (precomputed rows, reasons written out, 20 cards):")
    rng = random.Random(args.seed)
    sample = User.objects.in_bulk(rng.sample(sorted(degree), min(len(degree), 5 * n)))
    randoms = list(sample.values())
    p50, p99 = timed(lambda i: served.suggestions_for(randoms[i], limit=20), len(randoms))
    row(f"{len(randoms)} random members (each once)", p50, p99)
    for target, members in chosen.items():
        fn = lambda i, m=members: served.suggestions_for(users[m[i % len(m)]], limit=20)  # noqa: E731
        p50, p99 = timed(fn, n)
        row(f"~{target} connections", p50, p99)

    # Trait sizes are cached for an hour: one pass first, as on a running site.
    for members in chosen.values():
        for uid in members:
            served.live_suggestions(uid, params=served.LIVE_PARAMS)
    say("People you may know, computed live while the member waits (a page with nothing stored):")
    for target, members in chosen.items():
        fn = lambda i, m=members: served.live_suggestions(  # noqa: E731
            m[i % len(m)], params=served.LIVE_PARAMS
        )
        p50, p99 = timed(fn, max(n // 2, len(members)))
        row(f"~{target} connections", p50, p99)
    say("People you may know, one member's background refresh (full bounds, ranking only):")
    for target, members in chosen.items():
        fn = lambda i, m=members: served.live_suggestions(m[i % len(m)])  # noqa: E731
        p50, p99 = timed(fn, max(n // 4, len(members)))
        row(f"~{target} connections", p50, p99)

    say("Profile view: degree badge and mutual connections (viewer -> random member):")
    all_ids = list(degree)
    for target, members in chosen.items():
        pairs = [(members[i % len(members)], rng.choice(all_ids)) for i in range(n)]
        p50, p99 = timed(lambda i, p=pairs: selectors.degree(*p[i]), n)
        row(f"degree badge, viewer ~{target}", p50, p99)
        p50, p99 = timed(lambda i, p=pairs: selectors.relationship(*p[i]), n)
        row(f"relationship (+ mutual count), viewer ~{target}", p50, p99)
        # The other side of a profile view: a member looking at a hub's profile.
        flipped = [(b, a) for a, b in pairs]
        p50, p99 = timed(lambda i, p=flipped: selectors.degree(*p[i]), n)
        row(f"degree badge, random viewer -> ~{target}", p50, p99)

    try:
        from guanxi.network.introductions.ideas import introduction_ideas
    except ImportError:
        say("Introduction ideas: not available in this tree.")
    else:
        say("Introduction ideas (limit 10):")
        for target, members in chosen.items():
            fn = lambda i, m=members: introduction_ideas(user=users[m[i % len(m)]], limit=10)  # noqa: E731
            p50, p99 = timed(fn, max(n // 4, len(members)))
            row(f"~{target} connections", p50, p99)


def main() -> None:
    args = parse_args()
    configure(args)
    seed(args)
    if args.export_edges:
        from django.core.management import call_command

        call_command("export_graph_edges", args.export_edges)
    if args.seed_only:
        return
    measure(args)


if __name__ == "__main__":
    main()
