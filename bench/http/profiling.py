"""Where a page's time goes: py-spy samples of the web workers during real requests.

For each profiled case, `py-spy record` samples every thread of every worker (1,000 Hz,
idle threads left out, the workers not paused) while the case's CPU pass runs, one
request at a time. Nothing runs inside the server for it. A deterministic profiler
(cProfile, yappi) was tried first and tripled the pages' CPU time, counting every call;
sampling leaves the server as it is.

Each sample (a whole stack) is put in one kind of work by the first rule that matches,
the most specific first: a template tag that runs a query counts as SQL or ORM, a
translation inside a template as translation.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import load
from server import Server

PROFILED_PAGES = ("profile page (random member)", "home page")
REQUESTS = 80
RATE = 1000


def _has(frames, *needles: str) -> bool:
    return any(any(n in f for n in needles) for f in frames)


# (kind of work, test on the stack's frames "func (file:line)" root first); first match wins.
RULES = (
    (
        "SQL executing (sqlite3 driver)",
        lambda s: "django/db/backends" in s[-1] or "sqlite3" in s[-1],
    ),
    (
        "database connect, pragmas and close",
        lambda s: (
            _has(s, "get_new_connection (", "init_connection_state (", "_close (")
            or _has(s, "close_old_connections (")
        ),
    ),
    (
        "translation (gettext, activate, catalogues)",
        lambda s: _has(s, "django/utils/translation", "gettext.py"),
    ),
    ("context processors", lambda s: _has(s, "context_processors.py")),
    (
        "session and authentication loads",
        lambda s: _has(s, "django/contrib/sessions", "django/contrib/auth", "/allauth/"),
    ),
    ("ORM: building queries, making model instances", lambda s: _has(s, "django/db/")),
    (
        "formatting (dates, numbers, l10n)",
        lambda s: _has(
            s,
            "django/utils/format",
            "django/utils/dateformat",
            "django/utils/numberformat",
            "humanize",
        ),
    ),
    ("URL reversing and resolving", lambda s: _has(s, "django/urls/")),
    (
        "templates: engine, tags, filters, includes",
        lambda s: _has(s, "django/template", "/templatetags/"),
    ),
    (
        "Guanxi views, selectors, services (own Python)",
        lambda s: _has(s, "/guanxi/") and _has(s, "_get_response ("),
    ),
    (
        "middleware (own work)",
        lambda s: _has(
            s, "middleware", "django/utils/deprecation.py", "/csp/", "/whitenoise/", "/guanxi/"
        ),
    ),
)
SERVER = "server, ASGI/WSGI handler, thread hops"

# Stages: the share of samples under these frames (inclusive, may overlap).
STAGES = (
    ("under the view function (data + rendering)", "_get_response ("),
    ("under template rendering", "render (django/template/backends/django.py"),
    ("under {% include %}", "IncludeNode"),
    ("under asgiref's sync_to_async / async_to_sync", "asgiref/sync.py"),
    ("under Django's ASGI handler", "django/core/handlers/asgi.py"),
)


def classify(stack: list[str]) -> str:
    for label, test in RULES:
        if test(stack):
            return label
    return SERVER


def parse(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        body, _, count = line.rpartition(" ")
        frames = body.split(";")
        if frames and frames[0].startswith(("thread (", "process ")):
            frames = frames[1:]
        if frames:
            stacks.append((frames, int(count)))
    return stacks


def _spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: pip install -e '.[bench]'")
    return found


def profile_case(served: Server, case: load.Case, folder: Path, requests: int) -> str:
    spies = []
    for pid in served.workers:
        output = folder / f"{pid}.txt"
        command = [
            *(_spy(), "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw"),
            *("--output", str(output), "--nonblocking", "--threads", "--full-filenames"),
        ]
        spies.append(
            (
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                output,
            )
        )
    import time

    time.sleep(1.0)  # py-spy attaches
    result = load.cpu_pass(served, case, seconds=300, requests=requests, seed=99)
    stacks: list[tuple[list[str], int]] = []
    for spy, output in spies:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)
        if output.exists():
            stacks += parse(output)
    n = len(result.cpu_ms)
    total = sum(count for _frames, count in stacks)
    if not total:
        return f"#### {case.page} ({case.label}): no samples (py-spy could not attach?)"
    kinds: Counter = Counter()
    leaves: Counter = Counter()
    inclusive: Counter = Counter()
    stages: Counter = Counter()
    for frames, count in stacks:
        kinds[classify(frames)] += count
        leaves[frames[-1]] += count
        for label, needle in STAGES:
            if _has(frames, needle):
                stages[label] += count
        for frame in set(frames):
            if "/guanxi/" in frame or "/templatetags/" in frame:
                inclusive[frame] += count
    ms = 1000 / RATE / n  # milliseconds per request for one sample
    median_cpu = sorted(result.cpu_ms)[n // 2]

    def short(frame: str) -> str:
        return frame.split("site-packages/")[-1].split("/guanxi/")[-1].replace("python3.11/", "")

    lines = [
        f"#### {case.page} ({case.label}): {n} requests, {total:,} samples",
        "",
        f"Sampled CPU per request {total * ms:.1f} ms; the CPU clock said {median_cpu:.1f} ms"
        " (median) in the same pass.",
        "",
        "| kind of work | ms per request | share |",
        "|---|---:|---:|",
    ]
    for label, count in kinds.most_common():
        lines.append(f"| {label} | {count * ms:.2f} | {100 * count / total:.1f} % |")
    lines += ["", "| stage (inclusive, overlapping) | ms per request | share |", "|---|---:|---:|"]
    for label, _needle in STAGES:
        lines.append(
            f"| {label} | {stages[label] * ms:.2f} | {100 * stages[label] / total:.1f} % |"
        )
    lines += ["", "Hottest leaf frames:", ""]
    for frame, count in leaves.most_common(12):
        lines.append(f"- {count * ms:.2f} ms: `{short(frame)}`")
    lines += ["", "Guanxi functions and template tags, inclusive:", ""]
    for frame, count in inclusive.most_common(15):
        lines.append(f"- {count * ms:.2f} ms: `{short(frame)}`")
    return "\n".join(lines)


def collect(served: Server, folder: Path, cases: list[load.Case], requests: int = REQUESTS) -> str:
    parts = ["### Profiles (py-spy, every thread of the workers, idle left out)"]
    for case in cases:
        if case.page in PROFILED_PAGES:
            parts.append(profile_case(served, case, folder, requests))
    return "\n\n".join(parts)
