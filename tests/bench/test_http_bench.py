"""The HTTP benchmark (bench/http/run.py) runs end to end on a tiny community: it builds
the dataset, serves it with `guanxi serve`, signs viewers in and measures every page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The CLI's own cache: the tiny dataset is built once per machine (most of that is
# `migrate` loading the gazetteer), later runs reuse it.
DATA_ROOT = ROOT / "var" / "bench"
PAGES = {
    "/healthz",
    "profile page (random member)",
    "home page",
    "directory, skill + city",
    "directory",
    "suggestions API (token)",
    "/network/shared/",
}


def _bench(script: str, *args: str) -> None:
    """Run a bench script on a small cached dataset of its own (each run writes its
    viewers' sessions and tokens: two scripts on one dataset on two xdist workers would
    revoke each other's tokens); it must finish cleanly."""
    root = DATA_ROOT / Path(script).stem
    command = [sys.executable, str(ROOT / "bench" / script), *args, "--data-root", str(root)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]


def test_http_bench_runs_every_page(tmp_path):
    out = tmp_path / "report.json"
    markdown = tmp_path / "report.md"
    _bench(
        "http/run.py",
        *("--members", "120", "--edges", "900", "--degrees", "10,30"),
        *("--seconds", "0.3", "--requests", "6", "--cpu-requests", "2", "--cpu-seconds", "0.3"),
        *("--concurrency", "2", "--json", str(out), "--out", str(markdown)),
    )

    report = json.loads(out.read_text())
    assert report["members"] == 120
    assert report["healthz_throughput"] > 0
    rows = report["rows"]
    assert {row["page"] for row in rows} == PAGES
    for row in rows:
        assert row["count"] > 0, row
        assert row["cpu_count"] > 0, row
        assert row["cpu_median"] > 0, row
        assert row["errors"] == {}, row
    # Degree-sensitive pages are measured once per degree; the directory's other cases once.
    assert sum(row["page"] == "home page" for row in rows) == 2
    assert sum(row["page"] == "directory" for row in rows) == 15
    table = markdown.read_text()
    assert "| /healthz | visitor |" in table
    assert "ratio to /healthz" in table


def test_mixed_bench_reads_while_writes_land_without_lock_errors(tmp_path):
    out = tmp_path / "mixed.json"
    _bench(
        "mixed.py",
        *("--members", "120", "--edges", "900", "--degrees", "10,30", "--seconds", "3"),
        *("--writes-per-second", "10", "--readers", "2", "--writers", "2", "--out", str(out)),
        *("--reads-per-second", "20", "--warmup", "1"),
    )

    figures = json.loads(out.read_text())
    assert figures["database_is_locked"] == 0
    assert figures["server_errors_5xx"] == 0
    assert figures["reads"] > 0 and figures["http_writes"] > 0
    # Paced: no more reads than the schedule's slots in the window (a free-running
    # reader on this tiny community makes hundreds).
    assert figures["reads"] <= 3 * 20 + 2
    assert set(figures["read_statuses"]) == {"200"}
    # Invitations: created, or 409 when that member was already invited in an earlier run.
    assert {status.rsplit(" ", 1)[1] for status in figures["write_statuses"]} <= {
        "200",
        "201",
        "409",
        "enqueued",
    }
    assert figures["tasks_finished"].get("SUCCESSFUL", 0) > 0
