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


def on_other_connection(work: Callable[[], object]) -> threading.Thread:
    """Start `work` in a thread with its own database connection; `outcome` joins it."""

    def run() -> None:
        try:
            run.outcome = work()  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - re-raised by outcome()
            run.outcome = exc  # type: ignore[attr-defined]
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.run_target = run  # type: ignore[attr-defined]
    thread.start()
    return thread


def outcome(thread: threading.Thread) -> object:
    """Wait for a thread of `on_other_connection`: what its work returned, or raise."""
    thread.join()
    result = thread.run_target.outcome  # type: ignore[attr-defined]
    if isinstance(result, Exception):
        raise result
    return result
