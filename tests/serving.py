"""Run `guanxi serve` in a child process and talk to it over HTTP (bounded waits)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120  # a cold start migrates a fresh database first


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def status_of(url: str) -> int | None:
    try:
        return http_get(url)[0]
    except OSError:
        return None


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll until condition() holds; return the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            listed = (task / "children").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended between the listing and the read
        found.update(int(child) for child in listed.split())
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def child_running(serve_pid: int, marker: str) -> int | None:
    """The pid of serve's child whose command line contains `marker` (e.g. 'cli worker')."""
    for pid in children_of(serve_pid):
        if marker in command_line(pid) and alive(pid):
            return pid
    return None


class Serve:
    """`guanxi serve` on a port, its output in a log file."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path, *args: str):
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "guanxi.cli", "serve", "--port", str(port), *args],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text()

    def status(self, path: str) -> int | None:
        return status_of(self.base + path)

    def json(self, path: str) -> tuple[int, dict]:
        status, body = http_get(self.base + path)
        return status, json.loads(body)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        def up() -> bool:
            assert self.process.poll() is None, self.log()
            return self.status("/healthz") == 200

        wait_until(up, timeout, "guanxi serve answering /healthz")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._log.close()
