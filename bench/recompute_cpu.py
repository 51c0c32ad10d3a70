"""CPU time of the full suggestions recompute, and of its two parts, on a benchmark
database (e.g. the 3,000-member one that `bench/network_bench.py --seed-only` builds).

    .venv/bin/python bench/network_bench.py --members 3000 --edges 60000 --hubs 1 \\
        --hub-degree 750 --db /tmp/bench3k.sqlite3 --seed-only
    .venv/bin/python bench/recompute_cpu.py --db /tmp/bench3k.sqlite3 --runs 3
    # another checkout's code on the same data (before/after a change):
    .venv/bin/python bench/recompute_cpu.py --db /tmp/bench3k.sqlite3 --code /tmp/main

CPU time, not wall time: the development machine is shared, so wall clocks mostly
measure waiting for a core. "recompute" is recompute_all(processes=2, restart=True),
every process's user + system time (the pool's workers are reaped children);
"calibration" is choose_scoring on the whole graph and "ranking" rank() for every
member, each in this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file with members and connections")
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent),
                        help="checkout whose guanxi package is measured")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()

    sys.path.insert(0, args.code)
    workdir = tempfile.mkdtemp(prefix="guanxi-recompute-")
    os.environ["GUANXI_DATA_DIR"] = workdir
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.db).resolve()}"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "guanxi.settings"
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    import guanxi
    from guanxi.network.suggestions import rank as ranking
    from guanxi.network.suggestions.calibration import choose_scoring
    from guanxi.network.suggestions.recompute import (
        MemoryGraph,
        MemoryTraits,
        load_exclusions,
        recompute_all,
    )

    print(f"code: {Path(guanxi.__file__).parent}", flush=True)
    totals: dict[str, list[float]] = {"recompute": [], "calibration": [], "ranking": []}
    for run in range(1, args.runs + 1):
        c0, t0 = cpu(), time.monotonic()
        report = recompute_all(processes=args.processes, restart=True)
        totals["recompute"].append(cpu() - c0)
        wall = time.monotonic() - t0

        graph = MemoryGraph.from_database()
        c0 = time.process_time()
        scoring, _found = choose_scoring(graph)
        totals["calibration"].append(time.process_time() - c0)

        graph = MemoryGraph.from_database()
        traits = MemoryTraits.from_database()
        excluded = load_exclusions()
        params = ranking.Params(**{**ranking.DEFAULT_PARAMS.__dict__, "scoring": scoring})
        members = sorted(graph.adjacency)
        c0 = time.process_time()
        for uid in members:
            ranking.rank(uid, graph, traits, excluded=excluded.get(uid, set()), params=params)
        totals["ranking"].append(time.process_time() - c0)
        print(
            f"run {run}: recompute {totals['recompute'][-1]:.2f} s CPU ({wall:.1f} s wall, "
            f"{report.computed} members, scoring {report.scoring}); calibration "
            f"{totals['calibration'][-1]:.2f} s; ranking {len(members)} members "
            f"{totals['ranking'][-1]:.2f} s",
            flush=True,
        )
    for name, values in totals.items():
        print(f"{name}: median {statistics.median(values):.2f} s CPU "
              f"({' / '.join(f'{v:.2f}' for v in values)})")  # fmt: skip


if __name__ == "__main__":
    main()
