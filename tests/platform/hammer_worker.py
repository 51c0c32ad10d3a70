"""One process of the concurrent-write hammer (see test_database_concurrency.py).

    python -m tests.platform.hammer_worker write <worker> <transactions>
    python -m tests.platform.hammer_worker read <reads>

It loads Guanxi's real settings, so DATABASE_URL decides the engine and the SQLite
options (WAL, busy timeout, immediate transactions) are the ones the site runs with.
"""

from __future__ import annotations

import sys

READ = "SELECT value FROM hammer_counter WHERE id = 1"
READ_FOR_UPDATE = "SELECT value FROM hammer_counter WHERE id = 1 FOR UPDATE"


def write(worker: int, transactions: int) -> None:
    from django.db import connection, transaction

    # SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL needs the row lock.
    query = READ_FOR_UPDATE if connection.features.has_select_for_update else READ
    for seq in range(transactions):
        with transaction.atomic(), connection.cursor() as cursor:
            # Read-modify-write: the pattern that loses updates or hits "database is
            # locked" (a deferred transaction upgrading to a write) when misconfigured.
            cursor.execute(query)
            (value,) = cursor.fetchone()
            cursor.execute("UPDATE hammer_counter SET value = %s WHERE id = 1", [value + 1])
            cursor.execute("INSERT INTO hammer_rows (worker, seq) VALUES (%s, %s)", [worker, seq])


def read(reads: int) -> None:
    from django.db import connection

    last = 0
    for _ in range(reads):
        with connection.cursor() as cursor:
            cursor.execute(READ)
            (value,) = cursor.fetchone()
        if value < last:
            sys.exit(f"counter went backwards: {value} after {last}")
        last = value


def main() -> None:
    import django

    django.setup()
    mode, *args = sys.argv[1:]
    if mode == "write":
        write(int(args[0]), int(args[1]))
    else:
        read(int(args[0]))
    print("ok")


if __name__ == "__main__":
    main()
