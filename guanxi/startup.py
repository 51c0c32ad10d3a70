"""What `guanxi serve` tells the person who started it.

Each preparation step as it begins; then, once the site really answers (not when the
server process was merely spawned), the address, a demo login and how to stop, said once.
The routine INFO lines of the web server, worker and scheduler stay out of the default
run (warnings and errors still show); DEBUG=1 or an explicit LOG_LEVEL brings them back.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from guanxi.envconf import TRUE_WORDS, env_bool

POLL_SECONDS = 0.25
ANSWER_TIMEOUT = 300.0  # a slow machine's first start; after that the supervisor decides
# Routine INFO lines of these loggers are dropped in the default run (see core.logfilters).
ROUTINE_LOGGERS = ("apscheduler", "django_tasks", "django_tasks_db", "guanxi.core.scheduler")
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}  # noqa: S104 - names, not a bind


@dataclass(frozen=True)
class DemoLogin:
    email: str
    handle: str
    password: str


def routine_logs_quiet(environ: MutableMapping[str, str] = os.environ) -> bool:
    """True for the default run: no DEBUG and no LOG_LEVEL asked for."""
    debug = environ.get("DEBUG", "").strip().lower() in TRUE_WORDS
    return not debug and "LOG_LEVEL" not in environ


def quiet_web_server(environ: MutableMapping[str, str] = os.environ) -> None:
    """Keep uvicorn's start-up banner and per-request lines out of the default run
    (it reads UVICORN_LOG_LEVEL; the children inherit this environment)."""
    if routine_logs_quiet(environ):
        environ.setdefault("UVICORN_LOG_LEVEL", "warning")


def step(message: str) -> None:
    print(f"    {message}", flush=True)


def site_url(host: str, port: int) -> str:
    """The address to open: a wildcard bind is reached through the loopback address."""
    shown = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether `url`'s /healthz answers 200 (straight, never through a configured proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}healthz", timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def announcement(url: str, login: DemoLogin | None, *, listening_everywhere: bool) -> str:
    lines = [f"Guanxi is running at {url}"]
    if listening_everywhere:
        lines.append("(listening on every network interface of this machine)")
    if login:
        lines.append(f"Log in as:  {login.email}  (demo member @{login.handle})")
        lines.append(f"Password:   {login.password}")
    if env_bool("DEBUG"):
        lines.append("Debug mode is on: never let the public reach this server.")
    lines.append("Press Ctrl+C to stop.")
    rule = "=" * (max(len(line) for line in lines) + 4)
    return "\n".join([rule, *(f"  {line}" for line in lines), rule])


def announce_when_answering(
    *,
    host: str,
    port: int,
    login: DemoLogin | None,
    still_starting: Callable[[], bool],
    timeout: float = ANSWER_TIMEOUT,
) -> threading.Thread:
    """Poll the site in the background and say where it is once it answers.

    `still_starting` turns false when the server is being stopped, which ends the wait
    without a word; the supervisor reports crashes itself.
    """
    url = site_url(host, port)

    def wait_then_announce() -> None:
        deadline = time.monotonic() + timeout
        while still_starting() and time.monotonic() < deadline:
            if answers(url):
                text = announcement(url, login, listening_everywhere=host in WILDCARD_HOSTS)
                print(text, flush=True)
                return
            time.sleep(POLL_SECONDS)
        if still_starting():
            print(f"Guanxi has not answered at {url} after {timeout:.0f} s.", flush=True)

    thread = threading.Thread(target=wait_then_announce, name="announce", daemon=True)
    thread.start()
    return thread
