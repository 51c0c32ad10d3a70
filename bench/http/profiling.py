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

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import load
from server import Server

UNPROFILED_PAGES = ("/healthz",)  # the yardstick: every other page run is profiled
REQUESTS = 80
RATE = 1000


def _has(frames, *needles: str) -> bool:
    return any(any(n in f for n in needles) for f in frames)


def _stdlib(frame: str) -> bool:
    return "/lib/python3" in frame and "site-packages" not in frame or "<frozen" in frame


def _owner(frames: list[str]) -> str:
    """The deepest frame that is not the standard library: whose code is running."""
    for frame in reversed(frames):
        if not _stdlib(frame):
            return frame
    return frames[-1]


# Leaves where a thread waits rather than computes. py-spy counts a thread that is ready
# to run but waiting for a core as active: on a loaded machine that inflates the hand-offs
# between threads, so these are left out and the rest is scaled to the CPU clock.
WAITING = (
    "Condition.wait (",
    "Event.wait (",
    "_wait_for_tstate_lock (",
    "_worker (",  # a pool thread waiting for work
    "Connection._recv (",
    "Connection.poll (",
    "select (",
)
EVENT_LOOP = "Runner.run ("  # uvloop's loop, in C: waiting for or handling I/O

MIDDLEWARE_FILES = (
    "middleware",
    "django/utils/deprecation.py",
    "/csp/",
    "/whitenoise/",
    "django_htmx",
    "input_guard.py",
    "core/outcomes.py",
    "api/errors.py",
)

# (kind of work, test on the stack's frames, root first); the first that matches wins.
RULES = (
    ("SQL executing (sqlite3 driver)", lambda s: "django/db/backends" in s[-1]),
    (
        "database connect, pragmas and close",
        lambda s: (
            _has(s, "get_new_connection (", "init_connection_state (", "close_old_connections (")
            or _has(s, "BaseDatabaseWrapper.close (", "BaseDatabaseWrapper.connect (")
        ),
    ),
    (
        "session and authentication loads",
        lambda s: (
            _has(s, "django/contrib/sessions/backends", "django/contrib/auth/__init__.py")
            or _has(s, "get_user (", "_get_user (")
        ),
    ),
    (
        "translation (gettext, activate, catalogues)",
        lambda s: _has(s, "django/utils/translation", "gettext.py"),
    ),
    ("context processors", lambda s: _has(s, "context_processors.py")),
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
    ("middleware (own work)", lambda s: any(m in _owner(s) for m in MIDDLEWARE_FILES)),
    ("Guanxi views, selectors, services (own Python)", lambda s: "/guanxi/" in _owner(s)),
)
SERVER = "server, ASGI/WSGI handler, thread hand-offs"

# Stages: the share of samples under these frames (inclusive, may overlap).
STAGES = (
    ("under the view function (data + rendering)", ("/guanxi/", "views.py")),
    ("under template rendering", ("Template.render (", "template/backends/django.py")),
    ("under {% include %}", ("IncludeNode.render (", "")),
    ("under the template slots (`{% slot %}`)", ("slot (", "templatetags/slots.py")),
    ("in asgiref's sync_to_async / async_to_sync", ("asgiref/sync.py", "")),
)


def _stage(frames: list[str], needles: tuple[str, str]) -> bool:
    first, second = needles
    return any(first in f and second in f for f in frames)


def classify(stack: list[str]) -> str:
    for label, test in RULES:
        if test(stack):
            return label
    return SERVER


def parse(path: Path) -> list[tuple[str, list[str], int]]:
    """(thread, frames root first, samples) for each line of py-spy's raw output."""
    stacks = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        body, _, count = line.rpartition(" ")
        frames = body.split(";")
        thread = frames[0] if frames[0].startswith("thread (") else ""
        frames = frames[1:] if thread else frames
        if frames:
            stacks.append((f"{path.stem}:{thread}", frames, int(count)))
    return stacks


def cap_request_threads(stacks, limit: float) -> tuple[list, int]:
    """Django's ASGI handler runs each request's sync code in a thread of its own. A
    thread sampled for far longer than any request's CPU time was stalled (ready to run,
    waiting for a core on the loaded machine): its samples are scaled down to `limit`."""
    totals: Counter = Counter()
    for thread, _frames, count in stacks:
        totals[thread] += count
    per_request = [t for t in totals if "ThreadPoolExecutor-" in t]
    if len(per_request) < 10:  # persistent pool threads (WSGI, gthread): nothing to cap
        return stacks, 0
    capped, dropped = [], 0
    for thread, frames, count in stacks:
        if thread in per_request and totals[thread] > limit:
            kept = count * limit / totals[thread]
            dropped += count - kept
            count = kept
        capped.append((thread, frames, count))
    return capped, round(dropped)


def _spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: pip install -e '.[bench]'")
    return found


def profile_case(served: Server, case: load.Case, folder: Path, requests: int) -> str:
    spies = []
    name = re.sub(r"\W+", "-", f"{case.page.split()[0]}-{case.label}").strip("-")
    for pid in served.workers:
        output = folder / f"{name}-{case.degree}-{pid}.txt"
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
    stacks: list[tuple[str, list[str], float]] = []
    for spy, output in spies:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)
        if output.exists():
            stacks += parse(output)
    n = len(result.cpu_ms)
    stacks, stalled = cap_request_threads(stacks, 1.5 * max(result.cpu_ms) * RATE / 1000)
    kinds: Counter = Counter()
    leaves: Counter = Counter()
    inclusive: Counter = Counter()
    stages: Counter = Counter()
    waiting = loop = 0
    for _thread, frames, count in stacks:
        leaf = frames[-1]
        if any(w in leaf for w in WAITING):
            waiting += count
            continue
        if EVENT_LOOP in leaf:
            loop += count
            continue
        kinds[classify(frames)] += count
        leaves[leaf] += count
        for label, needles in STAGES:
            if _stage(frames, needles):
                stages[label] += count
        for frame in set(frames):
            if "/guanxi/" in frame or "/templatetags/" in frame:
                inclusive[frame] += count
    total = sum(kinds.values())
    if not total:
        return f"#### {case.page} ({case.label}): no samples (py-spy could not attach?)"
    mean_cpu = sum(result.cpu_ms) / n
    median_cpu = sorted(result.cpu_ms)[n // 2]
    ms = mean_cpu / total  # each sample's share of the measured CPU per request

    def short(frame: str) -> str:
        name, _, where = frame.partition(" (")
        where = where.split("site-packages/")[-1].split("/guanxi/")[-1]
        return f"{name} ({where.split('/lib/')[-1]}"

    lines = [
        f"#### {case.page} ({case.label}): {n} requests, {round(total):,} samples",
        "",
        f"CPU clock per request in this pass: mean {mean_cpu:.1f} ms, median {median_cpu:.1f} ms;"
        f" samples (1,000 Hz) scaled to the mean. Left out: {round(waiting):,} samples of threads"
        f" waiting (thread hand-offs, pool threads) and {round(loop):,} in uvloop's C loop"
        f" (waiting for or handling I/O, not separable); {stalled:,} samples of stalled"
        " request threads (see cap_request_threads).",
        "",
        "| kind of work | ms per request | share |",
        "|---|---:|---:|",
    ]
    for label, count in kinds.most_common():
        lines.append(f"| {label} | {count * ms:.2f} | {100 * count / total:.1f} % |")
    lines += ["", "| stage (inclusive, overlapping) | ms per request | share |", "|---|---:|---:|"]
    for label, _needles in STAGES:
        lines.append(
            f"| {label} | {stages[label] * ms:.2f} | {100 * stages[label] / total:.1f} % |"
        )
    lines += ["", "Hottest leaf frames:", ""]
    for frame, count in leaves.most_common(12):
        lines.append(f"- {count * ms:.2f} ms: `{short(frame)}`")
    lines += ["", "Guanxi functions and template tags, inclusive:", ""]
    for frame, count in inclusive.most_common(20):
        lines.append(f"- {count * ms:.2f} ms: `{short(frame)}`")
    return "\n".join(lines)


def collect(served: Server, folder: Path, cases: list[load.Case], requests: int = REQUESTS) -> str:
    parts = ["### Profiles (py-spy, every thread of the workers, idle left out)"]
    for case in cases:
        if case.page not in UNPROFILED_PAGES:
            parts.append(profile_case(served, case, folder, requests))
    return "\n\n".join(parts)
