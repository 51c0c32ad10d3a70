"""Driving the server over real HTTP from this process: keep-alive connections
(http.client, one per thread), bounded by a request count and a time limit.

Two passes per case:
- the load pass: N concurrent connections for up to `seconds` / `requests`; throughput,
  latency, and the workers' CPU time over the whole batch (a mean per request);
- the CPU pass: one connection, one request at a time, the workers' CPU clock read
  before each request (after a short pause, so that the work a request leaves after
  its answer, like closing the database connection, is counted with it): CPU time per
  request, for its median and p95. Latency of this pass is the unloaded latency.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from server import Server

Make = Callable[[random.Random], tuple[str, dict[str, str]]]
TIMEOUT = 120.0
PAUSE = 0.002


@dataclass
class Case:
    page: str
    label: str
    make: Make
    degree: int | None = None  # the viewers' degree target, for degree-sensitive pages
    degrees: tuple[int, int] | None = None  # the sampled viewers' real degree range


@dataclass
class LoadResult:
    count: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    cpu_seconds: float = 0.0  # the workers', over the batch

    @property
    def throughput(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


@dataclass
class CpuResult:
    cpu_ms: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)


class Client:
    """One keep-alive connection (http.client), reopened once when the server closed it
    while idle. Shared with bench/mixed.py."""

    def __init__(self, port: int, timeout: float = TIMEOUT):
        self.port = port
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, headers: dict[str, str], body=None) -> int:
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                if response.will_close:
                    self.connection.close()
                    self.connection = None
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed while idle: open a new one once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict[str, str]) -> int:
        return self.request("GET", path, headers)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def load_pass(
    server: Server, case: Case, *, concurrency: int, seconds: float, requests: int, seed: int
) -> LoadResult:
    result = LoadResult()
    lock = threading.Lock()
    issued = [0]
    deadline = time.monotonic() + seconds

    def work(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        client = Client(server.port)
        try:
            while True:
                with lock:
                    if issued[0] >= requests or time.monotonic() >= deadline:
                        return
                    issued[0] += 1
                path, headers = case.make(rng)
                started = time.perf_counter()
                try:
                    status = client.get(path, headers)
                except OSError as error:
                    status = type(error).__name__
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.latencies_ms.append(elapsed)
                    result.statuses[status] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(concurrency)]
    cpu_before = server.cpu()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = server.cpu() - cpu_before
    result.count = len(result.latencies_ms)
    return result


def cpu_pass(server: Server, case: Case, *, seconds: float, requests: int, seed: int) -> CpuResult:
    result = CpuResult()
    rng = random.Random(seed)
    client = Client(server.port)
    deadline = time.monotonic() + seconds
    try:
        time.sleep(PAUSE)
        before = server.cpu()
        for done in range(requests):
            if done >= 3 and time.monotonic() >= deadline:
                break
            path, headers = case.make(rng)
            started = time.perf_counter()
            status = client.get(path, headers)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.statuses[status] += 1
            time.sleep(PAUSE)
            after = server.cpu()
            result.cpu_ms.append((after - before) * 1000)
            before = after
    finally:
        client.close()
    return result
