"""Logging filters wired in settings.LOGGING."""

from __future__ import annotations

import logging
from collections.abc import Iterable


class DropRoutine(logging.Filter):
    """Drop records below WARNING from the named loggers (and their children).

    A handler filter rather than logger levels, because the task worker sets its own
    loggers' levels from its verbosity when it starts.
    """

    def __init__(self, names: Iterable[str] = (), enabled: bool = True) -> None:
        super().__init__()
        self.prefixes = tuple(names) if enabled else ()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or not self.prefixes:
            return True
        name = record.name
        return not any(name == p or name.startswith(p + ".") for p in self.prefixes)
