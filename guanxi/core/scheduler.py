"""The periodic-job process: it only enqueues idempotent tasks; the worker runs them.

Exactly one scheduler runs per deployment (`guanxi serve` starts it; at scale run
`guanxi scheduler` once).
"""

from __future__ import annotations

import contextlib
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

logger = logging.getLogger(__name__)


def _enqueue_housekeeping() -> None:
    from guanxi.core.tasks import housekeeping

    housekeeping.enqueue()
    logger.info("enqueued housekeeping")


def build_scheduler() -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(_enqueue_housekeeping, CronTrigger(hour=3, minute=17), id="housekeeping")
    return scheduler


def run_scheduler() -> None:
    scheduler = build_scheduler()
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
