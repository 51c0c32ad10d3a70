"""Run callables in threads that start together, for race tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import close_old_connections, connection


def run_together(targets: list[Callable[[], object]]) -> list[object]:
    """Start every target at once (a barrier), each on its own database connection.

    Returns what each returned, or the exception it raised, in completion order.
    """
    barrier = threading.Barrier(len(targets))
    results: list[object] = []

    def run(target: Callable[[], object]) -> None:
        close_old_connections()
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
