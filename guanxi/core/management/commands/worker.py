"""`guanxi worker`: django-tasks-db's worker that outlives a database outage.

db_worker ends on the first connection error; this one closes the broken connections,
waits with a capped exponential backoff and claims tasks again once the database
answers. Every other error still ends it (and `guanxi serve` starts it again).
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import connections
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

from guanxi.core.backoff import Backoff, first_line

logger = logging.getLogger("guanxi.worker")

CONNECTION_ERRORS = (OperationalError, InterfaceError)


class Command(db_worker.Command):
    help = "Run a background-task worker that waits out database outages."

    def handle(self, *args, **options) -> None:
        backoff = Backoff(initial=1, cap=10, stable=60)
        while True:
            backoff.started()
            try:
                super().handle(*args, **options)
                return
            except CONNECTION_ERRORS as exc:
                delay = backoff.failed()
                logger.warning(
                    "task worker: the database is unavailable (%s); trying again in %g s",
                    first_line(exc),
                    delay,
                )
                with contextlib.suppress(DatabaseError):
                    connections.close_all()
                time.sleep(delay)
