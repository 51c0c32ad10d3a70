"""The default run's log filter drops routine INFO from the worker and scheduler only."""

from __future__ import annotations

import logging

from guanxi.core.logfilters import DropRoutine
from guanxi.startup import ROUTINE_LOGGERS, routine_logs_quiet


def _record(name: str, level: int) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "message", None, None)


def test_routine_info_is_dropped_and_warnings_kept():
    quiet = DropRoutine(names=ROUTINE_LOGGERS)
    assert not quiet.filter(_record("apscheduler.scheduler", logging.INFO))
    assert not quiet.filter(_record("django_tasks_db", logging.INFO))
    assert quiet.filter(_record("apscheduler.scheduler", logging.WARNING))
    assert quiet.filter(_record("django_tasks", logging.ERROR))
    assert quiet.filter(_record("guanxi.network.services", logging.INFO))  # not routine
    assert quiet.filter(_record("apschedulerish", logging.INFO))  # a prefix is not a parent


def test_asking_for_logs_keeps_everything():
    loud = DropRoutine(names=ROUTINE_LOGGERS, enabled=False)
    assert loud.filter(_record("apscheduler.scheduler", logging.INFO))


def test_quiet_only_when_nothing_was_asked_for():
    assert routine_logs_quiet({})
    assert not routine_logs_quiet({"LOG_LEVEL": "INFO"})
    assert not routine_logs_quiet({"DEBUG": "1"})
    assert routine_logs_quiet({"DEBUG": "0"})
