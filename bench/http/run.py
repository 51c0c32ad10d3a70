#!/usr/bin/env python3
"""HTTP benchmark: the served stack, driven from a second process over loopback.

Builds (or reuses, from var/bench/) a community with its connection graph, starts the
server as a child process (`guanxi serve`, 2 workers, by default), signs in real members
with about 10, 100, 1,000 and 5,000 connections, and measures every page over keep-alive
HTTP with N concurrent connections: the web workers' CPU time per request (median, p95),
latency (median, p99), throughput, and throughput as a share of /healthz in the same run.

    .venv/bin/python bench/http/run.py                          # 100k members, 2M connections
    .venv/bin/python bench/http/run.py --members 2000 --seconds 2
    .venv/bin/python bench/http/run.py --server gunicorn-sync   # the same pages under WSGI
    .venv/bin/python bench/http/run.py --pages profile,home --profile var/bench/prof

Every pass is bounded by --seconds and --requests; --out writes the markdown table and
--json the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import dataset
import load
import profiling
import report
import server
import viewers

PAGES = ("healthz", "profile", "home", "directory", "directory-cases", "suggestions", "shared")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--edges", type=int, help="connections (default: 20 per member)")
    parser.add_argument("--data-root", default=str(dataset.ROOT / "var" / "bench"))
    parser.add_argument("--server", choices=server.KINDS, default="serve")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections")
    parser.add_argument("--seconds", type=float, default=3.0, help="per load pass")
    parser.add_argument("--requests", type=int, default=400, help="at most, per load pass")
    parser.add_argument("--cpu-requests", type=int, default=40, help="at most, per CPU pass")
    parser.add_argument("--cpu-seconds", type=float, default=3.0, help="per CPU pass")
    parser.add_argument("--rounds", type=int, default=1, help="passes over every case")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"some of {', '.join(PAGES)}")
    parser.add_argument("--degrees", default="10,100,1000,5000", help="viewer degree targets")
    parser.add_argument(
        "--profile",
        help="sample the workers with py-spy (every page run but /healthz); raw stacks go here",
    )
    parser.add_argument("--out", help="write the markdown report here")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def cases(plan: viewers.Plan, pages: set[str], targets: list[int]) -> list[load.Case]:
    cookie = plan.session_cookie

    def signed_in(target: int | None):
        pool = plan.viewers[target] if target else [v for vs in plan.viewers.values() for v in vs]

        def pick(rng):
            viewer = rng.choice(pool)
            return viewer, {"Cookie": f"{cookie}={viewer.session_key}"}

        return pool, pick

    found: list[load.Case] = []
    if "healthz" in pages:
        found.append(load.Case("/healthz", "visitor", lambda rng: ("/healthz", {})))
    skill_city = dict(plan.directory_cases)["skill + city"]
    for target in targets:
        pool, pick = signed_in(target)
        span = (min(v.degree for v in pool), max(v.degree for v in pool))
        label = f"~{target:,} connections"

        def profile(rng, pick=pick):
            viewer, headers = pick(rng)
            handle = rng.choice(plan.handles)
            while handle == viewer.handle:
                handle = rng.choice(plan.handles)
            return f"/@{handle}/", headers

        def page(path, pick=pick):
            return lambda rng: (path, pick(rng)[1])

        def api(rng, pick=pick):
            viewer, _headers = pick(rng)
            return "/api/v1/network/suggestions?limit=20", {
                "Authorization": f"Bearer {viewer.token}"
            }

        per_degree = {
            "profile": ("profile page (random member)", profile),
            "home": ("home page", page("/")),
            "directory": ("directory, skill + city", page("/members/?" + urlencode(skill_city))),
            "suggestions": ("suggestions API (token)", api),
            "shared": ("/network/shared/", page("/network/shared/")),
        }
        for name, (title, make) in per_degree.items():
            if name in pages:
                found.append(load.Case(title, label, make, degree=target, degrees=span))
    if "directory-cases" in pages:
        _pool, pick = signed_in(None)
        for label, params in plan.directory_cases:
            if label == "skill + city" and "directory" in pages:
                continue
            path = "/members/" + ("?" + urlencode(params) if params else "")
            found.append(
                load.Case(
                    "directory", label, lambda rng, path=path, pick=pick: (path, pick(rng)[1])
                )
            )
    # Sorted so the table reads page by page, degree by degree.
    order = {name: i for i, name in enumerate(dict.fromkeys(c.page for c in found))}
    return sorted(found, key=lambda c: (order[c.page], c.degree or 0))


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pages = {p.strip() for p in args.pages.split(",") if p.strip()}
    unknown = pages - set(PAGES)
    if unknown:
        sys.exit(f"unknown pages: {', '.join(sorted(unknown))}; choose from {', '.join(PAGES)}")
    pages.add("healthz")  # the yardstick of every run
    targets = [int(t) for t in args.degrees.split(",") if t.strip()]
    shape = dataset.default_shape(args.members, args.edges)
    data_dir = dataset.ensure(shape, Path(args.data_root), say=say)
    say("Preparing viewers (sessions, tokens, stored suggestions) ...")
    plan = viewers.prepare(data_dir, targets=targets, seed=args.seed)
    for target in targets:
        found = plan.viewers.get(target, [])
        if not found:
            sys.exit(f"no viewer for degree {target}")
        say(f"  ~{target:,}: {len(found)} viewers, degrees {sorted(v.degree for v in found)}")
    all_cases = cases(plan, pages, targets)

    extra_env = {}
    if args.profile:
        profile_dir = Path(args.profile).resolve()
        profile_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / f"server-{args.server}.log"
    say(f"Starting the server ({args.server}, {args.workers} workers) ...")
    served = server.start(args.server, data_dir, workers=args.workers, log=log, extra_env=extra_env)
    load_avg_start = os.getloadavg()
    started = time.monotonic()
    loads: dict[int, list[load.LoadResult]] = {i: [] for i in range(len(all_cases))}
    cpus: dict[int, load.CpuResult] = {i: load.CpuResult() for i in range(len(all_cases))}
    healthz = [i for i, case in enumerate(all_cases) if case.page == "/healthz"]
    try:
        for round_number in range(args.rounds):
            order = [*range(len(all_cases)), *healthz]  # /healthz at both ends of a round
            for index in order:
                case = all_cases[index]
                seed = args.seed + round_number * 7919 + index
                result = load.load_pass(
                    served,
                    case,
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    requests=args.requests,
                    seed=seed,
                )
                loads[index].append(result)
                cpu = load.cpu_pass(
                    served, case, seconds=args.cpu_seconds, requests=args.cpu_requests, seed=seed
                )
                cpus[index].cpu_ms += cpu.cpu_ms
                cpus[index].latencies_ms += cpu.latencies_ms
                cpus[index].statuses.update(cpu.statuses)
                say(
                    f"  {case.page} · {case.label}: {result.count} requests, "
                    f"{result.throughput:,.1f}/s; CPU pass {len(cpu.cpu_ms)}"
                )
        profile_text = ""
        if args.profile:
            profile_text = profiling.collect(served, Path(args.profile).resolve(), all_cases)
    finally:
        served.stop()
    elapsed = time.monotonic() - started
    load_avg_end = os.getloadavg()

    healthz_loads = [r for i in healthz for r in loads[i]]
    healthz_rate = sum(r.count for r in healthz_loads) / sum(r.seconds for r in healthz_loads)
    rows = [report.row(case, cpus[i], loads[i], healthz_rate) for i, case in enumerate(all_cases)]
    command = "python bench/http/run.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    header = [
        f"Command: `{command.strip()}`",
        f"Data: {plan.members:,} members, {plan.connections:,} connections (SQLite,"
        f" {(data_dir / 'guanxi.sqlite3').stat().st_size / 1e6:,.0f} MB).",
        f"Server: {args.server}, {args.workers} workers; client: {args.concurrency} keep-alive"
        f" connections, passes of at most {args.seconds:g} s / {args.requests} requests,"
        f" CPU passes of at most {args.cpu_seconds:g} s / {args.cpu_requests} requests,"
        f" {args.rounds} round(s), {elapsed:.0f} s in all.",
        "Machine: {cpus} CPUs ({cpu_model}), Python {python}, SQLite {sqlite}.".format(**machine()),
        f"Load average at the start {' '.join(f'{v:.1f}' for v in load_avg_start)},"
        f" at the end {' '.join(f'{v:.1f}' for v in load_avg_end)}.",
    ]
    text = "\n".join(header) + "\n\n" + report.markdown(rows) + "\n"
    if profile_text:
        text += "\n" + profile_text + "\n"
    say("")
    say(text)
    if args.out:
        Path(args.out).write_text(text)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "command": command,
                    "members": plan.members,
                    "connections": plan.connections,
                    "server": args.server,
                    "machine": machine(),
                    "load_average": [load_avg_start, load_avg_end],
                    "healthz_throughput": healthz_rate,
                    "rows": [r.as_dict() for r in rows],
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
