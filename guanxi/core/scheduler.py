"""The periodic-job process: it only enqueues idempotent tasks; the worker runs them.

Exactly one scheduler runs per deployment (`guanxi serve` starts it; at scale run
`guanxi scheduler` once). Apps add their jobs with `register_job` from `ready()`, so
core needs to know none of them. A job that meets a database outage waits it out with
a capped backoff instead of losing its run.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.db import close_old_connections, connections
from django.db.utils import DatabaseError, InterfaceError, OperationalError

from guanxi.core.backoff import Backoff, first_line

logger = logging.getLogger(__name__)

# How long a job keeps trying through an outage before its run is given up (and logged).
GIVE_UP_AFTER = 60 * 60


@dataclass(frozen=True)
class Job:
    id: str
    enqueue: Callable[[], object]  # enqueues a task; never does the work itself
    cron: dict[str, object]  # CronTrigger fields, e.g. {"minute": "*/15"}


_jobs: dict[str, Job] = {}


def register_job(job_id: str, enqueue: Callable[[], object], **cron: object) -> None:
    _jobs[job_id] = Job(job_id, enqueue, cron)


def registered_jobs() -> list[Job]:
    return list(_jobs.values())


def run_resiliently(job: Callable[[], None], *, give_up_after: float = GIVE_UP_AFTER) -> bool:
    """Run `job` like a request: fresh connections, and retried while the database is down.

    Returns whether the job ran. Errors other than an unavailable database propagate
    (APScheduler logs them and keeps the schedule).
    """
    backoff = Backoff(initial=1, cap=30, stable=give_up_after)
    deadline = time.monotonic() + give_up_after
    while True:
        close_old_connections()  # a connection from before an outage is dead
        try:
            job()
            return True
        except (OperationalError, InterfaceError) as exc:
            with contextlib.suppress(DatabaseError):
                connections.close_all()
            delay = backoff.failed()
            if time.monotonic() + delay > deadline:
                logger.error("scheduler: gave up %s: %s", job.__name__, first_line(exc))
                return False
            logger.warning(
                "scheduler: the database is unavailable (%s); %s runs again in %g s",
                first_line(exc),
                job.__name__,
                delay,
            )
            time.sleep(delay)
        finally:
            close_old_connections()


def enqueue_housekeeping() -> None:
    from guanxi.core.tasks import housekeeping

    housekeeping.enqueue()


def _logged(job: Job) -> Callable[[], None]:
    def run() -> None:
        job.enqueue()
        logger.info("enqueued %s", job.id)

    run.__name__ = job.id  # names the job in run_resiliently's log lines
    return run


def build_scheduler() -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    register_job("housekeeping", enqueue_housekeeping, hour=3, minute=17)
    for job in registered_jobs():
        scheduler.add_job(run_resiliently, CronTrigger(**job.cron), args=[_logged(job)], id=job.id)
    return scheduler


def run_scheduler() -> None:
    scheduler = build_scheduler()
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
