#!/usr/bin/env python3
"""Mixed benchmark: page reads over HTTP while writes land, on SQLite (issue 7).

Starts `guanxi serve` (2 web workers, the task worker and the scheduler running) on a
dataset built by bench/http (default 10,000 members with their graph, under var/bench/),
then, after --warmup seconds of the same load that are not counted, for --seconds at once:

- readers: --readers keep-alive connections, each a signed-in member asking for profile
  pages (a random member) and the home page, as fast as they are answered, or on a fixed
  schedule of --reads-per-second (latency then counted from each read's slot);
- writers: --writes-per-second writes on a fixed schedule, in turn: a connection request
  (POST /api/v1/network/invitations) and a profile edit (PATCH /api/v1/me/profile)
  through the API with personal access tokens, and a background task (a member's
  suggestions refresh, enqueued the way the site enqueues it: a row in the task table),
  which the task worker runs meanwhile (it reads the graph and writes the suggestions).

Reports read and write latency (median, p99), statuses, the tasks the worker finished in
the window, and the "database is locked" errors in the server's log (must be 0).

    .venv/bin/python bench/mixed.py
    .venv/bin/python bench/mixed.py --members 100000 --data-root /work/data/bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "http"))

import dataset  # noqa: E402 - bench/http's modules
import server  # noqa: E402
import viewers  # noqa: E402
from load import Client  # noqa: E402
from report import percentile  # noqa: E402

TIMEOUT = 60.0


def rank_ms(values: list[float], rank: float) -> float | None:
    return round(percentile(values, rank), 1) if values else None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--edges", type=int, help="connections (default: 20 per member)")
    parser.add_argument("--degrees", default="10,100", help="the signed-in members' degrees")
    parser.add_argument("--data-root", default=str(dataset.ROOT / "var" / "bench"))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--warmup",
        type=float,
        default=3.0,
        help="seconds of the same load first, not counted (each worker's first pages "
        "compile templates and fill caches)",
    )
    parser.add_argument("--writes-per-second", type=float, default=20.0)
    parser.add_argument("--readers", type=int, default=4, help="keep-alive reading connections")
    parser.add_argument(
        "--reads-per-second",
        type=float,
        default=0.0,
        help="reads on a fixed schedule (latency counted from each read's slot); "
        "0: every reader as fast as it is answered",
    )
    parser.add_argument("--writers", type=int, default=4, help="connections the writes share")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", help="write the figures here (JSON)")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def tasks_finished(db_path: Path, since: float) -> Counter:
    """Tasks the worker finished since `since` (a Unix time), by status (read only)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=20)
    try:
        rows = db.execute(
            "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult "
            "WHERE finished_at >= datetime(?, 'unixepoch') GROUP BY status",
            (since,),
        ).fetchall()
    finally:
        db.close()
    return Counter(dict(rows))


class Schedule:
    """Slots `interval` apart, shared by the threads that take them: whoever is free takes
    the next one and waits for its time. A late slot keeps its time, so a request's
    latency counted from its slot includes the wait a slower server caused (no
    coordinated omission)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next = time.monotonic()
        self.issued = 0
        self.lock = threading.Lock()

    def take(self) -> tuple[float, int]:
        """(the slot's monotonic time, its number); sleeps until the slot is due."""
        with self.lock:
            slot, number = self.next, self.issued
            self.next += self.interval
            self.issued += 1
        pause = slot - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        return slot, number


def main() -> int:
    args = parse_args()
    shape = dataset.default_shape(args.members, args.edges)
    data_dir = dataset.ensure(shape, Path(args.data_root), say=print)
    targets = [int(t) for t in args.degrees.split(",") if t.strip()]
    plan = viewers.prepare(data_dir, targets=targets, seed=args.seed)
    members = [v for vs in plan.viewers.values() for v in vs]
    cookie = plan.session_cookie
    log = data_dir / "server-mixed.log"
    log_start = log.stat().st_size if log.exists() else 0
    # The writers' own limits (100 invitations a day) must not turn writes into 429s.
    extra = {"GUANXI_CONNECTION_REQUESTS_PER_DAY": "100000"}
    print(f"Starting guanxi serve ({args.workers} workers, task worker and scheduler) ...")
    served = server.start(
        "serve", data_dir, workers=args.workers, log=log, extra_env=extra, background=True
    )
    lock = threading.Lock()
    reads: list[float] = []
    writes: list[float] = []
    read_status: Counter = Counter()
    write_status: Counter = Counter()
    stop = threading.Event()
    measuring = threading.Event()  # set after the warm-up: only then are results kept
    load_start = os.getloadavg()
    started_wall = [time.time()]  # when the counted window starts (after the warm-up)

    paced = Schedule(args.reads_per_second) if args.reads_per_second > 0 else None

    def reader(index: int) -> None:
        rng = random.Random(args.seed * 100 + index)
        client = Client(served.port, timeout=TIMEOUT)
        while not stop.is_set():
            slot = paced.take()[0] if paced else None
            if stop.is_set():
                return
            viewer = rng.choice(members)
            headers = {"Cookie": f"{cookie}={viewer.session_key}"}
            path = f"/@{rng.choice(plan.handles)}/" if rng.random() < 0.7 else "/"
            began = time.perf_counter()
            try:
                status = client.request("GET", path, headers)
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - began) * 1000
            if slot is not None:  # from the slot: the wait for a late slot counts too
                elapsed = (time.monotonic() - slot) * 1000
            if not measuring.is_set():
                continue
            with lock:
                reads.append(elapsed)
                read_status[status] += 1

    writes_due = Schedule(args.writes_per_second)

    def writer(index: int) -> None:
        rng = random.Random(args.seed * 1000 + index)
        client = Client(served.port, timeout=TIMEOUT)
        while not stop.is_set():
            slot, number = writes_due.take()
            if stop.is_set():
                return
            viewer = rng.choice(members)
            headers = {
                "Authorization": f"Bearer {viewer.token}",
                "Content-Type": "application/json",
            }
            if number % 3 == 2:
                began = time.perf_counter()
                try:
                    refresh_suggestions.enqueue(rng.choice(members).user_id)
                    status = "enqueued"
                except Exception as error:  # noqa: BLE001 - counted, like an HTTP error
                    status = type(error).__name__
                elapsed = (time.perf_counter() - began) * 1000
                if not measuring.is_set():
                    continue
                with lock:
                    enqueues.append(elapsed)
                    write_status[("task", status)] += 1
                continue
            if number % 3 == 0:
                handle = rng.choice(plan.handles)
                while handle == viewer.handle:  # not yourself (a 422)
                    handle = rng.choice(plan.handles)
                method, path = "POST", "/api/v1/network/invitations"
                body = json.dumps({"handle": handle, "note": "Mixed benchmark"})
            else:
                method, path = "PATCH", "/api/v1/me/profile"
                body = json.dumps({"headline": f"Benchmark headline {number}"})
            began = time.perf_counter()
            try:
                status = client.request(method, path, headers, body)
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - began) * 1000
            if not measuring.is_set():
                continue
            with lock:
                writes.append(elapsed)
                write_status[(path, status)] += 1

    from django.db import connections

    from guanxi.network.tasks import refresh_suggestions

    enqueues: list[float] = []

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(args.readers)]
    if args.writes_per_second > 0:  # 0: the readers alone, for comparison
        threads += [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        started_wall[0] = time.time()
        measuring.set()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=TIMEOUT)
        time.sleep(3)  # let the worker finish what the last writes enqueued
    finally:
        served.stop()
    connections.close_all()
    load_end = os.getloadavg()
    text = log.read_bytes()[log_start:].decode(errors="replace")
    locked = text.count("database is locked")
    failed = sum(n for (kind, st), n in write_status.items() if kind == "task" and st != "enqueued")
    errors_5xx = sum(n for s, n in read_status.items() if isinstance(s, int) and s >= 500)
    errors_5xx += sum(n for (_k, s), n in write_status.items() if isinstance(s, int) and s >= 500)
    tasks = tasks_finished(data_dir / "guanxi.sqlite3", started_wall[0])
    figures = {
        "members": shape.members,
        "edges": shape.edges,
        "seconds": args.seconds,
        "reads": len(reads),
        "reads_scheduled_per_second": args.reads_per_second or None,
        "reads_per_second": round(len(reads) / args.seconds, 1),
        "read_median_ms": rank_ms(reads, 50),
        "read_p99_ms": rank_ms(reads, 99),
        "writes": len(writes) + len(enqueues),
        "writes_per_second": round((len(writes) + len(enqueues)) / args.seconds, 1),
        "http_writes": len(writes),
        "write_median_ms": rank_ms(writes, 50),
        "write_p99_ms": rank_ms(writes, 99),
        "enqueue_median_ms": rank_ms(enqueues, 50),
        "enqueue_p99_ms": rank_ms(enqueues, 99),
        "read_statuses": {str(k): v for k, v in read_status.items()},
        "write_statuses": {f"{kind} {st}": v for (kind, st), v in write_status.items()},
        "tasks_finished": dict(tasks),
        "database_is_locked": locked,
        "server_errors_5xx": errors_5xx,
        "load_average_start": [round(x, 1) for x in load_start],
        "load_average_end": [round(x, 1) for x in load_end],
    }
    print(json.dumps(figures, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if locked == 0 and errors_5xx == 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
