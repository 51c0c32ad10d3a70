"""The served stack as a child process, and the CPU time of its web workers.

`serve` is what the README runs: `guanxi serve` (migrate, collect static files, the
supervisor, uvicorn with guanxi.asgi: Django's WSGI handler on a fixed thread pool per
process), here with N web workers and without the task worker and the scheduler, so that
only the web server's work is measured. The other kinds serve the same Django project
for the comparison: `django-asgi` is uvicorn with Django's own ASGIHandler (what `serve`
ran before issue 7), the others are WSGI servers.

CPU time is read from the kernel's CPU clock of each worker process
(`clock_gettime` on the process's CPU clock id, as `clock_getcpuclockid(3)` returns):
the same counter as utime + stime in /proc/<pid>/stat, in nanoseconds instead of
10 ms ticks, and it includes threads that have exited (Django's ASGI handler runs each
request's sync code in a thread of its own). No code in the server is needed for it.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dataset import ROOT, server_environment

KINDS = ("serve", "django-asgi", "gunicorn-sync", "gunicorn-gthread", "uvicorn-wsgi")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a whole process, threads included, in seconds."""
    return time.clock_gettime(((~pid) << 3) | 2)  # CPUCLOCK_SCHED of the process


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Server:
    kind: str
    port: int
    process: subprocess.Popen
    workers: list[int]
    log: Path

    def cpu(self) -> float:
        return sum(process_cpu_seconds(pid) for pid in self.workers)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _command(kind: str, port: int, workers: int, background: bool = False) -> list[str]:
    python = sys.executable
    if kind == "serve":
        return [
            *(python, "-m", "guanxi.cli", "serve", "--host", "127.0.0.1"),
            *("--port", str(port), "--workers", str(workers)),
            *(() if background else ("--no-worker", "--no-scheduler")),
        ]
    if kind.startswith("gunicorn-"):
        worker_class = kind.removeprefix("gunicorn-")
        # The sync worker answers one request at a time and closes the connection;
        # gthread keeps connections alive and runs 4 threads per process.
        threads = ["--threads", "4"] if worker_class == "gthread" else []
        return [
            *(python, "-m", "gunicorn", "guanxi.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--worker-class", worker_class, *threads),
            *("--keep-alive", "30", "--log-level", "warning"),
        ]
    if kind == "django-asgi":
        return [
            *(python, "-m", "uvicorn", "--factory", "django.core.asgi:get_asgi_application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--no-proxy-headers", "--lifespan", "off", "--log-level", "warning"),
        ]
    if kind == "uvicorn-wsgi":
        return [
            *(python, "-m", "uvicorn", "guanxi.wsgi:application", "--interface", "wsgi"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--no-proxy-headers", "--lifespan", "off", "--log-level", "warning"),
        ]
    raise ValueError(f"unknown server kind {kind!r}; one of {', '.join(KINDS)}")


def _prepare(env: dict[str, str]) -> None:
    """What `guanxi serve` does before serving; the WSGI servers need it done."""
    for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([sys.executable, "-m", "guanxi.cli", *step], env=env, check=True, cwd=ROOT)


def _workers(root: int, expected: int) -> list[int]:
    """The web workers: the processes under the server that have no children of their
    own (the supervisor and uvicorn's or gunicorn's master only watch), less
    multiprocessing's resource tracker."""
    tree = _children()
    found: list[int] = []
    stack = [root]
    while stack:
        pid = stack.pop()
        kids = tree.get(pid, [])
        if not kids and pid != root and "resource_tracker" not in _cmdline(pid):
            found.append(pid)
        stack.extend(kids)
    if not found and expected == 1:
        return [root]
    return sorted(found)


def start(
    kind: str,
    data_dir: Path,
    *,
    workers: int = 2,
    log: Path,
    extra_env: dict[str, str] | None = None,
    timeout: float = 120,
    background: bool = False,
) -> Server:
    """`background` (serve only) keeps the task worker and the scheduler running."""
    env = server_environment(data_dir)
    env.update(extra_env or {})
    if kind != "serve":
        _prepare(env)
    port = free_port()
    handle = open(log, "ab")  # noqa: SIM115 - the child writes to it until it stops
    process = subprocess.Popen(
        _command(kind, port, workers, background),
        env=env,
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the {kind} server exited ({process.returncode}); see {log}")
        if _answers(port):
            found = _workers(process.pid, workers)
            if background:  # the worker and the scheduler are leaves too; keep uvicorn's
                found = [
                    p for p in found if any(m in _cmdline(p) for m in ("spawn_main", "uvicorn"))
                ]
            if len(found) == workers:
                return Server(kind, port, process, found, log)
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the {kind} server did not answer within {timeout:.0f} s; see {log}")


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False
