#!/usr/bin/env python3
"""Directory and profile page latency, measured server-side.

Seeds N demo members (the same generator as `guanxi demo`) into a throwaway database
and times the directory (each filter alone, combined, deep pages; anonymous and
member) and the profile page of random members through Django's test client, in
process, warm, many times. Prints median and p95 per case.

    .venv/bin/python bench/directory_bench.py --members 100000
    .venv/bin/python bench/directory_bench.py --members 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/guanxi_bench

SQLite runs use a temporary file (with the same pragmas as the site) unless
--sqlite-path names one to keep and reuse; PostgreSQL databases are created when
missing and reused (seeding is idempotent) unless --fresh.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="", help="postgres://... (default: SQLite)")
    parser.add_argument("--sqlite-path", default="", help="SQLite file to create or reuse")
    parser.add_argument("--fresh", action="store_true", help="drop a PostgreSQL database first")
    parser.add_argument("--runs", type=int, default=150, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per case")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument(
        "--no-seed", action="store_true", help="measure an already seeded database as it is"
    )
    return parser.parse_args(argv)


def configure(args: argparse.Namespace) -> Path:
    """Point the settings at the throwaway database before Django loads."""
    workdir = Path(tempfile.mkdtemp(prefix="guanxi-bench-"))
    if args.database_url:
        url = args.database_url
        ensure_postgres_database(url, fresh=args.fresh)
    else:
        path = Path(args.sqlite_path) if args.sqlite_path else workdir / "bench.sqlite3"
        url = f"sqlite:///{path.resolve()}"
    os.environ["DATABASE_URL"] = url
    os.environ["GUANXI_DATA_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DEBUG"] = "0"  # no query log in memory
    # Plain static storage (no manifest to build); nothing else in TESTING affects reads.
    os.environ["GUANXI_TESTING"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "guanxi.settings"
    os.environ.pop("REDIS_URL", None)
    return workdir


def ensure_postgres_database(url: str, *, fresh: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(members: int, seed_value: int) -> float:
    from django.core.management import call_command

    from guanxi.demo.seeding import seed_demo

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    last = [started]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 10 or done == total:
            last[0] = now
            print(f"  seeded {done:,}/{total:,} ({now - started:.0f} s)", flush=True)

    report = seed_demo(members=members, seed=seed_value, progress=progress)
    elapsed = time.monotonic() - started
    print(f"  {report.created:,} created, {report.existing:,} already there ({elapsed:.0f} s)")
    return elapsed


def pick_filters() -> dict[str, str]:
    """Filter values taken from the data: a common and a rare skill, the biggest city,
    a mid-sized company, a big school."""
    from django.db.models import Count

    from guanxi.accounts.models import Profile, ProfileTag
    from guanxi.places.models import Place

    skills = list(
        ProfileTag.objects.filter(kind="skill")
        .values("tag__name")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__name")
    )
    total = Profile.objects.count()
    rare = [s for s in skills if s["n"] <= max(total // 200, 1)] or skills[-1:]
    cities = list(Profile.objects.values("city").annotate(n=Count("pk")).order_by("-n", "city")[:1])
    place = (
        Place.objects.filter(pk=Profile.objects.filter(city=cities[0]["city"]).values("place")[:1])
        .values_list("name_zh", flat=True)
        .first()
    )
    companies = list(
        Profile.objects.values("company").annotate(n=Count("pk")).order_by("-n", "company")
    )
    return {
        "common_skill": skills[0]["tag__name"],
        "rare_skill": rare[0]["tag__name"],
        "city": cities[0]["city"],
        "city_zh": place or cities[0]["city"],
        "company": companies[len(companies) // 3]["company"],
        "school": "Fudan",
        "open_to": "mentoring",
        "interest": "Hiking",
    }


def directory_cases(values: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    return [
        ("no filter", {}),
        (f"skill, common ({values['common_skill']})", {"skill": values["common_skill"]}),
        (f"skill, rare ({values['rare_skill']})", {"skill": values["rare_skill"]}),
        (f"city ({values['city']})", {"city": values["city"]}),
        (f"city in Chinese ({values['city_zh']})", {"city": values["city_zh"]}),
        (f"city, start of a name ({values['city'][:4]})", {"city": values["city"][:4]}),
        (f"company ({values['company']})", {"company": values["company"]}),
        (f"school ({values['school']})", {"school": values["school"]}),
        (f"open to ({values['open_to']})", {"open_to": values["open_to"]}),
        (f"interest ({values['interest']})", {"interest": values["interest"]}),
        (
            "skill + city",
            {"skill": values["common_skill"], "city": values["city"]},
        ),
        ("school + open to", {"school": values["school"], "open_to": values["open_to"]}),
        ("name search (q=li wei)", {"q": "li wei"}),
        ("newest first", {"sort": "newest"}),
        ("deep page (no filter, p.40)", {"page": "40"}),
        ("deep page (common skill, p.20)", {"skill": values["common_skill"], "page": "20"}),
    ]


def measure(client, url: str) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one request. On SQLite the database work runs
    in this process, so CPU time is the latency on an otherwise idle machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return wall * 1000, cpu * 1000


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from guanxi.accounts.models import Profile, User

    vendor = connection.vendor
    seed_seconds = 0.0
    if not args.no_seed:
        print(f"Seeding {args.members:,} members on {vendor} ...", flush=True)
        seed_seconds = seed(args.members, args.seed)
    members = Profile.objects.count()
    values = pick_filters()

    anonymous = Client()
    viewer = User.objects.filter(is_demo=True).order_by("pk").first()
    member = Client()
    member.force_login(viewer)

    rng = random.Random(args.seed)
    handles = list(User.objects.filter(is_demo=True).values_list("username", flat=True))
    cases = []
    for label, params in directory_cases(values):
        url = "/members/" + ("?" + urlencode(params) if params else "")
        for who in ("anonymous", "member"):
            cases.append({"page": "directory", "case": label, "viewer": who, "url": url})
    for who in ("anonymous", "member"):
        cases.append(
            {"page": "profile", "case": "profile page (random member)", "viewer": who, "url": ""}
        )
    clients = {"anonymous": anonymous, "member": member}

    def url_for(case: dict) -> str:
        return case["url"] or f"/@{rng.choice(handles)}/"

    for case in cases:
        for _ in range(args.warmup):
            clients[case["viewer"]].get(url_for(case))
        case["wall"], case["cpu"] = [], []
    # Round-robin over the cases, so a burst of load from elsewhere on the machine
    # spreads over all of them instead of spoiling one.
    for run_number in range(args.runs):
        for case in cases:
            wall, cpu = measure(clients[case["viewer"]], url_for(case))
            case["wall"].append(wall)
            case["cpu"].append(cpu)
        if (run_number + 1) % 25 == 0:
            print(f"  {run_number + 1}/{args.runs} rounds", flush=True)
    rows = []
    for case in cases:
        client = clients[case["viewer"]]
        rows.append(
            {
                "page": case["page"],
                "case": case["case"],
                "viewer": case["viewer"],
                "url": case["url"] or "/@<random member>/",
                "median_ms": statistics.median(case["wall"]),
                "p95_ms": p95(case["wall"]),
                "cpu_median_ms": statistics.median(case["cpu"]),
                "cpu_p95_ms": p95(case["cpu"]),
                "queries": query_count(client, url_for(case)),
            }
        )

    return {
        "database": vendor,
        "database_version": database_version(connection),
        "members": members,
        "seed_seconds": round(seed_seconds, 1),
        "runs": args.runs,
        "load_average": os.getloadavg(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "filters": values,
        "results": rows,
    }


def database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        return str(cursor.fetchone()[0])


def print_table(report: dict) -> None:
    print()
    print(
        f"{report['database']} {report['database_version']} · {report['members']:,} members · "
        f"{report['runs']} timed requests per case · {report['machine']['cpus']} CPUs · "
        f"load average at the end {', '.join(f'{x:.1f}' for x in report['load_average'])}"
    )
    header = (
        f"| {'page':<9} | {'case':<38} | {'viewer':<9} | {'median ms':>9} | {'p95 ms':>7} "
        f"| {'cpu median':>10} | {'cpu p95':>7} | {'queries':>7} |"
    )
    print(header)
    print("|" + "|".join("-" * len(part) for part in header.split("|")[1:-1]) + "|")
    for row in report["results"]:
        print(
            f"| {row['page']:<9} | {row['case']:<38} | {row['viewer']:<9} | "
            f"{row['median_ms']:>9.1f} | {row['p95_ms']:>7.1f} | {row['cpu_median_ms']:>10.1f} | "
            f"{row['cpu_p95_ms']:>7.1f} | {row['queries']:>7} |"
        )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    workdir = configure(args)
    try:
        report = run(args)
        print_table(report)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
