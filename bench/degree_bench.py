#!/usr/bin/env python3
"""Does a viewer's degree change what a page costs? (issue 7: a viewer with 5,000
connections costs at most 1.3x one with 10.)

Runs the HTTP benchmark (bench/http/run.py: the served stack, 2 workers, driven over
loopback) for the pages a signed-in member's network touches, with viewers of about 10
and about 5,000 connections, then sets each page's server CPU per request for the two
side by side: median and p95, and their ratio (5,000 over 10).

    .venv/bin/python bench/degree_bench.py --data-root /work/data/bench
    .venv/bin/python bench/degree_bench.py --from-json var/bench/after.json   # no new run

Other arguments go to bench/http/run.py (--data-root, --out, --seconds, --server ...). The CPU clock is
read per request in the workers (see docs/PERFORMANCE.md), so the ratio holds up under
load from elsewhere far better than latency does; read it against the noise of pages
that no change touched (±25 % between runs on the shared machine).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = "profile,home,directory,suggestions,shared"
SMALL, LARGE = 10, 5000
TARGET = 1.3


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from-json", help="a run.py --json file to read instead of running")
    parser.add_argument("--json", default=str(ROOT / "var" / "bench" / "degree.json"))
    parser.add_argument("--table", help="write the ratio table (markdown) here")
    parser.add_argument("--pages", default=PAGES)
    return parser.parse_known_args(argv)


def run(args: argparse.Namespace, extra: list[str]) -> Path:
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(ROOT / "bench" / "http" / "run.py"),
        *("--pages", args.pages, "--degrees", f"{SMALL},{LARGE}", "--json", str(out)),
        *(arg for arg in extra if arg != "--"),
    ]
    subprocess.run(command, check=True, cwd=ROOT)
    return out


def table(figures: dict) -> tuple[str, bool]:
    """The markdown table and whether every page is within the target."""
    by_page: dict[str, dict[int, dict]] = {}
    for row in figures["rows"]:
        if row.get("degree") in (SMALL, LARGE):
            by_page.setdefault(row["page"], {})[row["degree"]] = row
    lines = [
        f"| page | CPU median ms, ~{SMALL} | ~{LARGE:,} | ratio | CPU p95 ms, ~{SMALL} | ~{LARGE:,} | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    within = True
    for page, rows in by_page.items():
        if SMALL not in rows or LARGE not in rows:
            continue
        small, large = rows[SMALL], rows[LARGE]
        median = large["cpu_median"] / small["cpu_median"]
        p95 = large["cpu_p95"] / small["cpu_p95"]
        within &= median <= TARGET
        lines.append(
            f"| {page} | {small['cpu_median']:.1f} | {large['cpu_median']:.1f} | {median:.2f} "
            f"| {small['cpu_p95']:.1f} | {large['cpu_p95']:.1f} | {p95:.2f} |"
        )
    return "\n".join(lines), within


def main(argv: list[str] | None = None) -> int:
    args, extra = parse_args(argv)
    source = Path(args.from_json) if args.from_json else run(args, extra)
    figures = json.loads(source.read_text())
    text, within = table(figures)
    summary = (
        f"{figures.get('members', 0):,} members, {figures.get('connections', 0):,} connections; "
        f"load average {figures.get('load_average')}\n\n{text}\n\n"
        + (
            f"Every page within {TARGET}x (CPU median)."
            if within
            else f"Some page costs more than {TARGET}x for the ~{LARGE:,}-connection viewer."
        )
    )
    print(summary)
    if args.table:
        Path(args.table).write_text(summary + "\n")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
