"""`run.py`, the newcomer's first command: progress while installing, `--debug` on request."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest

from tests.platform.conftest import REPO


@pytest.fixture
def run_py(monkeypatch):
    spec = importlib.util.spec_from_file_location("guanxi_run_py", REPO / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HEARTBEAT_SECONDS", 0.2)
    return module


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("Collecting django-ninja>=1.3 (from guanxi==0.1.0)", "fetching django-ninja"),
        ("  Collecting asgiref>=3.8.1 (from django>=5.2)", "fetching asgiref"),
        ("  Installing build dependencies: started", "preparing the build"),
        ("  Building editable for guanxi (pyproject.toml): started", "building Guanxi"),
        ("Installing collected packages: sqlparse, asgiref, django", "installing the packages"),
        ("WARNING: Location 'file:///opt/x/' is ignored", None),
        ("Requirement already satisfied: pip in ./.venv/lib", None),
    ],
)
def test_pip_lines_become_a_few_words(run_py, line, said):
    assert run_py.pip_activity(line) == said


def test_a_long_step_says_what_it_is_doing_and_when_it_is_done(run_py, capsys):
    script = textwrap.dedent(
        """
        import time
        for name in ("django", "nh3"):
            print(f"Collecting {name}>=1", flush=True)
            time.sleep(0.5)
        print("WARNING: noise", flush=True)
        """
    )
    run_py.run_with_progress(sys.executable, "-c", script)
    out = capsys.readouterr().out
    assert "fetching django" in out or "fetching nh3" in out  # the heartbeat names the work
    assert " s  fetching " in out
    assert "noise" not in out
    assert out.rstrip().splitlines()[-1].startswith("    done in ")
    assert out.rstrip().endswith("2 packages")


def test_a_failing_step_shows_its_output_and_stops(run_py, capsys):
    script = "import sys; print('ERROR: No matching distribution for nothing'); sys.exit(3)"
    with pytest.raises(SystemExit) as stopped:
        run_py.run_with_progress(sys.executable, "-c", script)
    assert stopped.value.code == 3
    assert "No matching distribution" in capsys.readouterr().err


def test_debug_only_when_asked_for(run_py, monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    env, args = run_py.serve_environment(["--port", "9000"])
    assert "DEBUG" not in env and args == ["--port", "9000"]
    env, args = run_py.serve_environment(["--debug", "--port", "9000"])
    assert env["DEBUG"] == "1" and args == ["--port", "9000"]
