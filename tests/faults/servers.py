"""A Redis server and a PostgreSQL cluster that a fault test owns, on free ports.

Never the shared servers on 6379/5432: these are started, stopped and removed by the
test. Every wait is bounded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

from tests.serving import free_port

PG_VERSION_DIR = Path("/etc/postgresql")


def _tool(name: str) -> str:
    return shutil.which(name) or name


def wait_for_port(port: int, *, up: bool, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                listening = True
        except OSError:
            listening = False
        if listening == up:
            return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} still {'closed' if up else 'open'} after {timeout} s")


class RedisServer:
    """`redis-server` in the foreground of a child process (nothing kept on disk)."""

    available = shutil.which("redis-server") is not None

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [_tool("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, up=True)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for_port(self.port, up=False)


class PostgresCluster:
    """A throwaway cluster made with Debian's wrappers (they work as root, initdb does not).

    Durability is off: the cluster lives for one test module.
    """

    # Debian's wrappers create clusters owned by the postgres user: they need root.
    available = (
        shutil.which("pg_createcluster") is not None
        and PG_VERSION_DIR.is_dir()
        and os.geteuid() == 0
    )

    def __init__(self):
        self.port = free_port()
        self.name = f"guanxi-fault-{uuid.uuid4().hex[:8]}"
        self.version = sorted(path.name for path in PG_VERSION_DIR.iterdir())[-1]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, action: str) -> None:
        subprocess.run(
            [_tool("pg_ctlcluster"), self.version, self.name, action],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def create(self) -> None:
        settings = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
        subprocess.run(
            [_tool("pg_createcluster"), self.version, self.name, "-p", str(self.port)]
            + [arg for setting in settings for arg in ("-o", setting)]
            + ["--", "--auth=trust", "--no-sync"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.start()

    def start(self) -> None:
        self._ctl("start")
        wait_for_port(self.port, up=True)

    def stop(self) -> None:
        self._ctl("stop")
        wait_for_port(self.port, up=False)

    def drop(self) -> None:
        subprocess.run(
            [_tool("pg_dropcluster"), "--stop", self.version, self.name],
            capture_output=True,
            timeout=60,
        )
