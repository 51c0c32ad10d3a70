"""Housekeeping that the scheduler enqueues; safe to run twice."""

from django.core.management import call_command
from django_tasks import task


@task()
def housekeeping() -> None:
    call_command("clearsessions")
    call_command("prune_db_task_results", "--min-age-days", "7", verbosity=0)
