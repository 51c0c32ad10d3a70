"""The `guanxi` command: serve really serves; the scheduler and its housekeeping job."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guanxi.core.scheduler import build_scheduler
from guanxi.core.tasks import housekeeping
from tests.platform.conftest import REPO, child_env

START_TIMEOUT = 120  # a cold start migrates a fresh database first


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test URL
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        found.update(int(child) for child in children)
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
def test_serve_migrates_serves_pages_and_static_files_and_stops_cleanly(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = child_env(tmp_path, DEBUG="0")
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "guanxi.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = _get(f"{base}/healthz")
            except OSError:
                status = None
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, (tmp_path / "serve.log").read_text()
        assert body == b'{"status": "ok"}'

        status, html = _get(f"{base}/")
        assert status == 200
        # Production-style static files: hashed names from collectstatic, served by WhiteNoise.
        stylesheet = re.search(rb'href="(/static/guanxi/site\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, html[:500]
        status, css = _get(base + stylesheet.group(1).decode())
        assert status == 200 and b"--accent" in css
        assert (tmp_path / "static" / "staticfiles.json").exists()
        assert (tmp_path / "guanxi.sqlite3").exists()

        status, ready = _get(f"{base}/readyz")
        assert status == 200, ready

        children = _children(server.pid)
        assert len(children) == 3  # web, worker, scheduler
        assert all(_alive(pid) for pid in children)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
            log.close()
    assert code == 0, (tmp_path / "serve.log").read_text()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in children)


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
    job.func()  # what the scheduler calls at 03:17; ImmediateBackend runs it now
    assert not Session.objects.filter(session_key="stale").exists()


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("createadmin", "usage: guanxi createsuperuser"),
        ("worker", "usage: guanxi db_worker"),
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
