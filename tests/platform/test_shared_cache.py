"""The cache without Redis (core.cache.sqlite.SQLiteCache): one file shared by every process of
the machine, so rate limits hold however many web workers run."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from guanxi.core.cache.sqlite import SQLiteCache
from guanxi.core.ratelimit import seconds_left
from tests.platform.conftest import REPO, child_env
from tests.serving import Serve, children_of, command_line, free_port

# One process hammering one limit (core.ratelimit.hit, the function every limit uses).
# The period is long enough that the window cannot turn over during the test.
HAMMER = """
import sys, django
django.setup()
from django.core.cache import caches
from guanxi.core.cache.sqlite import SQLiteCache
from guanxi.core.ratelimit import hit
assert isinstance(caches["default"], SQLiteCache)
hits, limit = int(sys.argv[1]), int(sys.argv[2])
print(sum(hit("hammer", limit=limit, period=10**9) for _ in range(hits)))
"""


@pytest.fixture
def shared(tmp_path) -> SQLiteCache:
    return SQLiteCache(str(tmp_path / "cache.sqlite3"), {})


def test_values_expiry_and_the_operations_rate_limits_use(shared):
    assert shared.add("k", 1, 60) is True
    assert shared.add("k", 5, 60) is False  # present: unchanged
    assert shared.incr("k") == 2
    assert shared.incr("k", 10) == 12
    shared.set("obj", {"a": [1, "二"]}, 60)
    assert shared.get_many(["k", "obj", "missing"]) == {"k": 12, "obj": {"a": [1, "二"]}}
    shared.set("gone", 1, 0)  # a zero timeout expires at once
    assert shared.get("gone", "default") == "default"
    with pytest.raises(ValueError):
        shared.incr("gone")
    assert shared.add("gone", 7, 60) is True  # an expired key can be added again
    shared.set_many({"x": 1, "y": 2})
    shared.delete_many(["x"])
    assert (shared.has_key("x"), shared.has_key("y")) == (False, True)
    assert shared.touch("y", 60) and shared.delete("y") and not shared.delete("y")
    shared.clear()
    assert shared.get("k") is None


def test_two_caches_on_one_file_share_their_keys(tmp_path):
    first = SQLiteCache(str(tmp_path / "cache.sqlite3"), {})
    second = SQLiteCache(str(tmp_path / "cache.sqlite3"), {})
    first.add("n", 1, 60)
    assert second.incr("n") == 2
    assert first.get("n") == 2


def test_threads_with_their_own_connections_never_exceed_a_limit(shared):
    limit = 150

    def hammer(_worker: int) -> int:
        allowed = 0
        for _ in range(100):
            count = 1 if shared.add("limit", 1, 600) else shared.incr("limit")
            allowed += count <= limit
        return allowed

    with ThreadPoolExecutor(max_workers=4) as pool:
        allowed = sum(pool.map(hammer, range(4)))
    assert allowed == limit
    assert shared.get("limit") == 400  # every hit counted, none lost


def test_processes_hammering_one_limit_never_exceed_it(tmp_path):
    env = child_env(tmp_path)  # no REDIS_URL: the settings' own SQLite cache file
    hits, limit, processes = 300, 500, 4
    children = [
        subprocess.Popen(
            [sys.executable, "-c", HAMMER, str(hits), str(limit)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    allowed = 0
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        allowed += int(out)
    assert allowed == limit  # 1,200 hits: exactly the limit let through
    counted = SQLiteCache(str(tmp_path / "cache.sqlite3"), {})
    assert counted.get(f"rl:hammer:{10**9}:{int(time.time() // 10**9)}") == hits * processes


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
def test_a_limit_holds_across_two_web_workers(tmp_path):
    limit = 5
    env = child_env(tmp_path, GUANXI_PLACE_SUGGESTIONS_PER_MINUTE=str(limit))
    serve = Serve(
        env, free_port(), tmp_path / "serve.log", "--workers", "2", "--no-worker", "--no-scheduler"
    )
    try:
        serve.wait_ready()
        if seconds_left(60) < 20:  # the per-minute window must not turn over mid-test
            time.sleep(seconds_left(60) + 1)
        port = int(serve.base.rsplit(":", 1)[1])
        workers = _web_workers(serve.process.pid)
        assert len(workers) == 2
        cpu_before = {pid: _cpu_ticks(pid) for pid in workers}

        def ask(_n: int) -> int:
            # A new connection each time, so the two workers share the requests.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("GET", "/places/suggest/?q=Ha")
                return connection.getresponse().status
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(ask, range(40)))
        # Both workers answered some of them (else one process's count would pass).
        assert all(_cpu_ticks(pid) > cpu_before[pid] for pid in workers)
    finally:
        assert serve.stop() == 0, serve.log()
    assert statuses.count(200) == limit, statuses
    assert statuses.count(429) == 40 - limit


def _web_workers(serve_pid: int) -> list[int]:
    """uvicorn's worker processes (spawned by multiprocessing) under `guanxi serve`."""
    found, stack = [], [serve_pid]
    while stack:
        pid = stack.pop()
        for child in children_of(pid):
            if "spawn_main" in command_line(child):
                found.append(child)
            stack.append(child)
    return found


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime
