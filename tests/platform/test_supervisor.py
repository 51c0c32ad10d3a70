"""The supervisor behind `guanxi serve`: restart with a capped backoff, stop all on SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import textwrap

from guanxi.core.backoff import Backoff
from tests.platform.conftest import REPO
from tests.serving import alive, children_of, wait_until

SUPERVISED = textwrap.dedent(
    """
    import logging, sys
    from guanxi.core.backoff import Backoff
    from guanxi.supervisor import Child, Supervisor

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    python = sys.executable
    crasher = Child(
        "crasher",
        [python, "-c", "import sys; sys.exit(3)"],
        backoff=Backoff(initial=0.1, cap=0.4, stable=60),
    )
    sleeper = Child("sleeper", [python, "-c", "import time; print('up', flush=True); time.sleep(600)"])
    sys.exit(Supervisor([crasher, sleeper]).run())
    """
)


def test_backoff_doubles_up_to_the_cap():
    backoff = Backoff(initial=1, cap=10, stable=3600)
    backoff.started()
    assert [backoff.failed() for _ in range(6)] == [1, 2, 4, 8, 10, 10]


def test_backoff_starts_over_after_a_stable_run():
    backoff = Backoff(initial=1, cap=10, stable=0)  # every run counts as stable
    assert [backoff.failed() for _ in range(3)] == [1, 1, 1]


def test_a_crashing_child_is_restarted_with_backoff_and_sigterm_stops_everything(tmp_path):
    log_path = tmp_path / "supervisor.log"
    with log_path.open("w") as log:
        supervisor = subprocess.Popen(
            [sys.executable, "-c", SUPERVISED], cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until(
                lambda: log_path.read_text().count("restarting it in") >= 5, 30, "five restarts"
            )
            assert supervisor.poll() is None  # one child crashing does not stop the others
            children = children_of(supervisor.pid)
            assert children
            supervisor.send_signal(signal.SIGTERM)
            code = supervisor.wait(timeout=30)
        finally:
            if supervisor.poll() is None:
                supervisor.kill()
                supervisor.wait()
    output = log_path.read_text()
    assert code == 0, output
    delays = re.findall(r"the crasher exited with code 3; restarting it in ([\d.]+) s", output)
    assert delays[:5] == ["0.1", "0.2", "0.4", "0.4", "0.4"]
    assert output.count("restarting the crasher") >= 4
    assert "sleeper exited" not in output
    assert output.count("up\n") == 1  # the healthy child ran once, undisturbed
    wait_until(lambda: not any(alive(pid) for pid in children), 10, "children stopped")
