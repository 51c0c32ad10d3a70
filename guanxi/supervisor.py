"""Keep the processes of `guanxi serve` running: restart a child that exits, stop all on
Ctrl+C or SIGTERM.

A child that exits (the worker losing its database for longer than it waits, a crash)
is logged and started again after an exponential backoff, capped, and reset once the
child has stayed up for a while; the rest of the site keeps serving meanwhile.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from dataclasses import dataclass, field

from guanxi.core.backoff import Backoff

logger = logging.getLogger("guanxi.supervisor")

POLL_SECONDS = 0.3
STOP_TIMEOUT = 15


@dataclass
class Child:
    name: str
    argv: list[str]
    backoff: Backoff = field(default_factory=lambda: Backoff(initial=1, cap=30, stable=60))
    process: subprocess.Popen | None = None
    restart_at: float | None = None  # monotonic time of the next start, while it is down

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)
        self.backoff.started()
        self.restart_at = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(self, children: list[Child]):
        self.children = children
        self.stopping = False

    def run(self) -> int:
        """Start every child and keep them running until asked to stop; 0 on a clean stop."""
        signal.signal(signal.SIGTERM, self._on_signal)
        try:
            for child in self.children:
                child.start()
            while not self.stopping:
                self._tend()
                time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            self.stopping = True
        finally:
            self._stop_all()
        return 0

    def _on_signal(self, *_args: object) -> None:
        self.stopping = True

    def _tend(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    logger.warning("restarting the %s", child.name)
                    child.start()
            elif not child.running():
                delay = child.backoff.failed()
                child.restart_at = now + delay
                logger.error(
                    "the %s exited with code %s; restarting it in %g s",
                    child.name,
                    child.process.returncode if child.process else None,
                    delay,
                )

    def _stop_all(self) -> None:
        running = [child.process for child in self.children if child.running()]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
