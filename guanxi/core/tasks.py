"""Housekeeping that the scheduler enqueues; safe to run twice."""

from django.core.management import call_command
from django_tasks import task, task_backends
from django_tasks_db import DatabaseBackend


@task()
def housekeeping() -> None:
    call_command("clearsessions")
    # Finished task rows only pile up with the database queue (not in tests, not on Redis).
    for alias in task_backends:
        if isinstance(task_backends[alias], DatabaseBackend):
            call_command(
                "prune_db_task_results",
                "--backend",
                alias,
                "--queue-name",
                "*",
                "--min-age-days",
                "7",
                verbosity=0,
            )
