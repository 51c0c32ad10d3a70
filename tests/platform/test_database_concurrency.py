"""Parallel writers never see "database is locked" and no update is lost.

Runs on whatever database the suite runs on: SQLite (WAL, busy timeout, immediate
transactions) by default, PostgreSQL when DATABASE_URL points at it.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading
from urllib.parse import quote

import pytest
from django.db import connection, connections

from tests.platform import hammer_worker
from tests.platform.conftest import REPO, child_env

PROCESSES = 4
TRANSACTIONS = 200
THREADS = 4
THREAD_TRANSACTIONS = 100


def _database_url() -> str:
    """A DATABASE_URL for the test database this test runs against."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@pytest.fixture
def hammer_tables(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE hammer_counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE hammer_rows (worker INTEGER NOT NULL, seq INTEGER NOT NULL, "
            "PRIMARY KEY (worker, seq))"
        )
        cursor.execute("INSERT INTO hammer_counter (id, value) VALUES (1, 0)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE hammer_rows")
        cursor.execute("DROP TABLE hammer_counter")


def _totals() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM hammer_counter WHERE id = 1")
        (counter,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT worker) FROM hammer_rows")
        rows, workers = cursor.fetchone()
    return counter, rows, workers


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas; the PostgreSQL run hammers PostgreSQL below")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_parallel_processes_write_without_locking_errors(hammer_tables, tmp_path):
    env = child_env(
        tmp_path, DATABASE_URL=_database_url(), SECRET_KEY=secrets.token_urlsafe(50), DEBUG="0"
    )
    module = [sys.executable, "-m", "tests.platform.hammer_worker"]
    commands = [[*module, "write", str(n), str(TRANSACTIONS)] for n in range(PROCESSES)]
    commands.append([*module, "read", "400"])
    processes = [
        subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for command in commands
    ]
    results = [(process, *process.communicate(timeout=300)) for process in processes]
    for process, out, err in results:
        assert "database is locked" not in err
        assert process.returncode == 0, err
        assert out.strip().endswith("ok")
    assert _totals() == (PROCESSES * TRANSACTIONS, PROCESSES * TRANSACTIONS, PROCESSES)


def test_parallel_threads_write_without_locking_errors(hammer_tables):
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(worker: int) -> None:
        try:
            start.wait()
            hammer_worker.write(worker, THREAD_TRANSACTIONS)
        except BaseException as exc:  # reported below with the thread's failure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert _totals() == (
        THREADS * THREAD_TRANSACTIONS,
        THREADS * THREAD_TRANSACTIONS,
        THREADS,
    )
