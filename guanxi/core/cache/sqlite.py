"""The cache without Redis: a SQLite file shared by the processes of one machine.

Rate limits and counters must hold across several web processes, so
without Redis the cache cannot be per-process memory (LocMemCache). Django's
DatabaseCache is not used: its incr is a get then a set (two callers both read 4 and
both write 5, so a limit lets extra hits through), it culls with a COUNT(*) on every
write, and in the main database its writes would take the site's write lock and count
in every page's queries. Here the cache is a table in a file of its own (WAL, one
connection per thread, kept), every write is one statement or one `BEGIN IMMEDIATE`
transaction, so add and incr are atomic across processes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

logger = logging.getLogger(__name__)

FOREVER = 1e18  # "expires" of a key set without a timeout
CULL_EVERY = 500  # writes (per thread) between sweeps of expired keys
IN_CHUNK = 500  # keys per SELECT ... IN (...)


class SQLiteCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]):
        super().__init__(params)
        self.path = location
        self._local = threading.local()

    # --- connection -----------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        db = sqlite3.connect(self.path, timeout=20, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS cache "
            "(key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"
        )
        return db

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "db", None) is None or local.pid != os.getpid():
            local.db, local.pid, local.writes = self._connect(), os.getpid(), 0
        return local.db

    def _run(self, operation: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run on this thread's connection; once more on a fresh one if the file was
        replaced under it (a data directory reset, a test database recreated)."""
        try:
            return operation(self._db())
        except sqlite3.DatabaseError:
            self._drop()
            return operation(self._db())

    def _drop(self) -> None:
        db = getattr(self._local, "db", None)
        self._local.db = None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def close(self, **kwargs: Any) -> None:
        """Kept open between requests, like the database connections (Django calls this
        at the end of every request)."""

    # --- values ---------------------------------------------------------------
    @staticmethod
    def _encode(value: Any) -> Any:
        # Integers as integers, so that incr needs no unpickling and the table reads well.
        if type(value) is int and -(2**63) <= value < 2**63:
            return value
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _decode(stored: Any) -> Any:
        return stored if isinstance(stored, int) else pickle.loads(stored)  # noqa: S301 - ours

    def _expires(self, timeout: Any) -> float:
        expires = self.get_backend_timeout(timeout)
        return FOREVER if expires is None else expires

    # --- operations -----------------------------------------------------------
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = self._run(
            lambda db: db.execute(
                "SELECT value FROM cache WHERE key = ? AND expires > ?", (key, time.time())
            ).fetchone()
        )
        return default if row is None else self._decode(row[0])

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        row = (key, self._encode(value), self._expires(timeout))
        self._run(
            lambda db: db.execute(
                "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value, expires = excluded.expires",
                row,
            )
        )
        self._wrote()

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Set only if the key is absent or expired: one statement, so two processes
        adding the same key at once see exactly one True."""
        key = self.make_and_validate_key(key, version=version)
        row = (key, self._encode(value), self._expires(timeout), time.time())
        changed = self._run(
            lambda db: (
                db.execute(
                    "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = excluded.value, expires = excluded.expires "
                    "WHERE cache.expires <= ?",
                    row,
                ).rowcount
            )
        )
        self._wrote()
        return changed == 1

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        """Atomic: the read and the write share one immediate (write-locked) transaction."""
        key = self.make_and_validate_key(key, version=version)

        def increment(db: sqlite3.Connection) -> Any:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT value FROM cache WHERE key = ? AND expires > ?", (key, time.time())
                ).fetchone()
                if row is None:
                    raise ValueError(f"Key '{key}' not found")
                value = self._decode(row[0]) + delta
                db.execute("UPDATE cache SET value = ? WHERE key = ?", (self._encode(value), key))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return value

        return self._run(increment)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        row = (self._expires(timeout), key, time.time())
        return bool(
            self._run(
                lambda db: (
                    db.execute(
                        "UPDATE cache SET expires = ? WHERE key = ? AND expires > ?", row
                    ).rowcount
                )
            )
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(
            self._run(lambda db: db.execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount)
        )

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        row = self._run(
            lambda db: db.execute(
                "SELECT 1 FROM cache WHERE key = ? AND expires > ?", (key, time.time())
            ).fetchone()
        )
        return row is not None

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        wanted = {self.make_and_validate_key(key, version=version): key for key in keys}
        found: dict[str, Any] = {}
        names = list(wanted)
        now = time.time()
        for start in range(0, len(names), IN_CHUNK):
            chunk = names[start : start + IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._run(
                lambda db, chunk=chunk, marks=marks: db.execute(
                    f"SELECT key, value FROM cache WHERE key IN ({marks}) AND expires > ?",  # noqa: S608 - placeholders only
                    (*chunk, now),
                ).fetchall()
            )
            for key, value in rows:
                found[wanted[key]] = self._decode(value)
        return found

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        expires = self._expires(timeout)
        rows = [
            (self.make_and_validate_key(key, version=version), self._encode(value), expires)
            for key, value in data.items()
        ]

        def write(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = excluded.value, expires = excluded.expires",
                    rows,
                )
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        if rows:
            self._run(write)
            self._wrote()
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        rows = [(self.make_and_validate_key(key, version=version),) for key in keys]
        if rows:
            self._run(lambda db: db.executemany("DELETE FROM cache WHERE key = ?", rows))

    def clear(self) -> None:
        self._run(lambda db: db.execute("DELETE FROM cache"))

    def _wrote(self) -> None:
        """Now and then, drop expired keys and, past MAX_ENTRIES, the soonest to expire."""
        self._local.writes = getattr(self._local, "writes", 0) + 1
        if self._local.writes % CULL_EVERY:
            return

        def cull(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM cache WHERE expires <= ?", (time.time(),))
            (count,) = db.execute("SELECT COUNT(*) FROM cache").fetchone()
            if count > self._max_entries:
                excess = count - self._max_entries + self._max_entries // self._cull_frequency
                db.execute(
                    "DELETE FROM cache WHERE key IN "
                    "(SELECT key FROM cache ORDER BY expires LIMIT ?)",
                    (excess,),
                )

        self._run(cull)
