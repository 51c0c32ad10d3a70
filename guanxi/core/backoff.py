"""Exponential backoff shared by the supervisor, the task worker and the scheduler."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays of `initial` seconds, doubled after each failure up to `cap`.

    A run that lasted `stable` seconds or more counts as a recovery: the next failure
    waits `initial` again, so one outage a week does not inherit last week's delay.
    """

    initial: float = 1.0
    cap: float = 60.0
    stable: float = 60.0
    _next: float = field(init=False, default=0.0)
    _started: float = field(init=False, default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._next = self.initial

    def started(self) -> None:
        """Note that a run begins now."""
        self._started = time.monotonic()

    def failed(self) -> float:
        """The run that began at `started()` failed: how long to wait before the next."""
        if time.monotonic() - self._started >= self.stable:
            self._next = self.initial
        delay = self._next
        self._next = min(self._next * 2, self.cap)
        return delay


def first_line(exc: BaseException) -> str:
    """A one-line description of an error for a log line (drivers' texts span lines)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
