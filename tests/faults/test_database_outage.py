"""PostgreSQL stops while `guanxi serve` runs: the site answers 503 instead of dying, the
worker and a scheduler job wait it out, and everything works again once it returns,
without a restart. The cluster is the test's own, on its own port."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.platform.conftest import REPO, child_env
from tests.serving import Serve, child_running, free_port, http_get, wait_until

pytestmark = pytest.mark.faults

OUTAGE_SECONDS = 6  # the manual run held 20 s; the behaviour does not depend on it
FIGURES = REPO / "test-output" / "fault-figures.json"

# What the scheduler runs at 03:17, started by hand while the database is down.
SCHEDULER_JOB = (
    "import django, sys; django.setup(); "
    "from guanxi.core.scheduler import enqueue_housekeeping, run_resiliently; "
    "sys.exit(0 if run_resiliently(enqueue_housekeeping, give_up_after=90) else 1)"
)


def _task_statuses(url: str) -> list[str]:
    with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3) as db:
        rows = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'guanxi.core.tasks.housekeeping'"
        ).fetchall()
    return [status for (status,) in rows]


def _record(name: str, figures: dict[str, float]) -> None:
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    recorded = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    recorded[name] = {key: round(value, 1) for key, value in figures.items()}
    FIGURES.write_text(json.dumps(recorded, indent=2) + "\n")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
def test_serve_survives_a_database_outage_and_recovers_by_itself(postgres_cluster, tmp_path):
    env = child_env(tmp_path, DEBUG="0", DATABASE_URL=postgres_cluster.url)
    serve = Serve(env, free_port(), tmp_path / "serve.log")
    scheduler_job = None
    try:
        serve.wait_ready()
        assert serve.status("/readyz") == 200
        assert serve.status("/members/") == 200  # the web process holds a connection now
        worker = child_running(serve.process.pid, "guanxi.cli worker")
        assert worker is not None

        postgres_cluster.stop()
        stopped_at = time.monotonic()
        scheduler_job = subprocess.Popen(
            [sys.executable, "-c", SCHEDULER_JOB],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # The site answers throughout: alive, not ready, pages and API say "unavailable".
        status, ready = serve.json("/readyz")
        assert status == 503 and ready["checks"]["database"].startswith("error")
        assert serve.status("/healthz") == 200
        page = http_get(serve.base + "/members/")
        assert page[0] == 503 and b"briefly unavailable" in page[1]
        status, error = serve.json("/api/v1/members")
        assert status == 503 and error["error"]["code"] == "unavailable"
        while time.monotonic() - stopped_at < OUTAGE_SECONDS:
            assert serve.process.poll() is None, serve.log()
            time.sleep(0.5)
        # The worker waited instead of dying: the same process, no restart needed.
        assert child_running(serve.process.pid, "guanxi.cli worker") == worker
        assert scheduler_job.poll() is None  # still waiting, not given up

        postgres_cluster.start()
        restarted_at = time.monotonic()
        downtime = restarted_at - stopped_at
        ready_after = wait_until(lambda: serve.status("/readyz") == 200, 30, "ready again")
        assert serve.status("/members/") == 200
        scheduler_job.wait(timeout=60)
        assert scheduler_job.returncode == 0, scheduler_job.stdout.read()
        enqueued_after = time.monotonic() - restarted_at
        # The task the scheduler enqueued is run by the same worker.
        ran_after = wait_until(
            lambda: _task_statuses(postgres_cluster.url) == ["SUCCESSFUL"], 60, "task ran"
        )
        ran_after += enqueued_after
        assert child_running(serve.process.pid, "guanxi.cli worker") == worker
    finally:
        if scheduler_job and scheduler_job.poll() is None:
            scheduler_job.kill()
            scheduler_job.wait()
        code = serve.stop()
    log = serve.log()
    assert code == 0, log
    assert "task worker: the database is unavailable" in log
    assert "exited with code" not in log  # nothing had to be restarted
    _record(
        "postgresql_outage_under_serve",
        {
            "downtime_s": downtime,
            "readyz_200_after_restart_s": ready_after,
            "scheduler_job_enqueued_after_restart_s": enqueued_after,
            "task_ran_after_restart_s": ran_after,
        },
    )
