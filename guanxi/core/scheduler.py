"""The periodic-job process: it only enqueues idempotent tasks; the worker runs them.

Exactly one scheduler runs per deployment (`guanxi serve` starts it; at scale run
`guanxi scheduler` once). Apps add their jobs with `register_job` from `ready()`, so
core needs to know none of them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

logger = logging.getLogger(__name__)


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


def _enqueue_housekeeping() -> None:
    from guanxi.core.tasks import housekeeping

    housekeeping.enqueue()


def _logged(job: Job) -> Callable[[], None]:
    def run() -> None:
        job.enqueue()
        logger.info("enqueued %s", job.id)

    return run


def build_scheduler() -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    register_job("housekeeping", _enqueue_housekeeping, hour=3, minute=17)
    for job in registered_jobs():
        scheduler.add_job(_logged(job), CronTrigger(**job.cron), id=job.id)
    return scheduler


def run_scheduler() -> None:
    scheduler = build_scheduler()
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
