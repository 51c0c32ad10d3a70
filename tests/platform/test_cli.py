"""The `guanxi` command: serve really serves; the scheduler and its housekeeping job."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guanxi.core.scheduler import build_scheduler, run_resiliently
from guanxi.core.tasks import housekeeping
from tests.platform.conftest import REPO, child_env
from tests.serving import Serve, alive, child_running, children_of, free_port, http_get, wait_until


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
def test_serve_migrates_serves_restarts_a_crashed_child_and_stops_cleanly(tmp_path):
    serve = Serve(child_env(tmp_path, DEBUG="0"), free_port(), tmp_path / "serve.log")
    try:
        serve.wait_ready()
        status, body = http_get(f"{serve.base}/healthz")
        assert body == b'{"status": "ok"}'

        status, html = http_get(f"{serve.base}/")
        assert status == 200
        # Production-style static files: hashed names from collectstatic, served by WhiteNoise.
        stylesheet = re.search(rb'href="(/static/guanxi/site\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, html[:500]
        status, css = http_get(serve.base + stylesheet.group(1).decode())
        assert status == 200 and b"--accent" in css
        assert (tmp_path / "static" / "staticfiles.json").exists()
        assert (tmp_path / "guanxi.sqlite3").exists()
        assert serve.status("/readyz") == 200

        children = children_of(serve.process.pid)
        assert len(children) == 3  # web, worker, scheduler
        assert all(alive(pid) for pid in children)

        # A child that dies is started again; the site never stops answering.
        worker = child_running(serve.process.pid, "guanxi.cli worker")
        assert worker is not None
        os.kill(worker, signal.SIGKILL)
        wait_until(
            lambda: child_running(serve.process.pid, "guanxi.cli worker") not in (None, worker),
            30,
            "a new worker",
        )
        assert serve.status("/healthz") == 200
        assert "the task worker exited with code -9; restarting it in 1 s" in serve.log()
        children = children_of(serve.process.pid)
        assert len(children) == 3
    finally:
        code = serve.stop()
    assert code == 0, serve.log()
    wait_until(lambda: not any(alive(pid) for pid in children), 10, "children stopped")


def test_serve_refuses_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "guanxi.cli", "serve", "--port", str(port)],
            cwd=REPO,
            env=child_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"127.0.0.1:{port} is in use" in result.stderr


def test_unknown_settings_error_is_one_line(tmp_path):
    env = child_env(tmp_path, EMAIL_URL="carrier-pigeon://coop")
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "guanxi: configuration error: EMAIL_URL scheme 'carrier-pigeon'" in result.stderr
    assert "Traceback" not in result.stderr


def test_scheduler_has_the_nightly_housekeeping_job():
    scheduler = build_scheduler()
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"housekeeping", "notification_emails"}
    trigger = jobs["housekeeping"].trigger
    assert isinstance(trigger, CronTrigger)
    fields = {field.name: str(field) for field in trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("3", "17")


@pytest.mark.django_db
def test_housekeeping_clears_expired_sessions_and_can_run_twice():
    now = timezone.now()
    Session.objects.create(
        session_key="expired", session_data="", expire_date=now - timezone.timedelta(days=1)
    )
    Session.objects.create(
        session_key="current", session_data="", expire_date=now + timezone.timedelta(days=1)
    )
    result = housekeeping.enqueue()
    assert result.status == "SUCCESSFUL"
    assert set(Session.objects.values_list("session_key", flat=True)) == {"current"}
    assert housekeeping.enqueue().status == "SUCCESSFUL"  # idempotent


@pytest.mark.django_db
def test_housekeeping_prunes_old_results_of_the_database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old, recent, waiting = (housekeeping.enqueue() for _ in range(3))
    finished = DBTaskResult.objects.filter(pk__in=[old.id, recent.id])
    finished.update(status="SUCCESSFUL", finished_at=timezone.now())
    DBTaskResult.objects.filter(pk=old.id).update(
        finished_at=timezone.now() - timezone.timedelta(days=8)
    )
    housekeeping.call()
    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(pk) for pk in remaining} == {str(recent.id), str(waiting.id)}


def test_scheduler_job_enqueues_housekeeping(db):
    scheduler = build_scheduler()
    job = scheduler.get_job("housekeeping")
    Session.objects.create(
        session_key="stale", session_data="", expire_date=timezone.now() - timezone.timedelta(1)
    )
    # At 03:17 the scheduler calls run_resiliently(<enqueue housekeeping>), which opens
    # fresh connections around it (tested against a real outage in tests/faults);
    # here the job runs inside the test's transaction. ImmediateBackend runs it now.
    assert job.func is run_resiliently
    (enqueue,) = job.args
    enqueue()
    assert not Session.objects.filter(session_key="stale").exists()


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("createadmin", "usage: guanxi createsuperuser"),
        ("worker", "usage: guanxi worker"),
        ("showmigrations", "usage: guanxi showmigrations"),
    ],
)
def test_commands_reach_the_right_management_command(tmp_path, command, usage):
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", command, "--help"],
        cwd=REPO,
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert usage in result.stdout
