#!/usr/bin/env python3
"""Guanxi's two commands.

    python3 run.py          set up everything and serve Guanxi on SQLite with demo data
    python3 run.py --debug  the same with Django's debug mode on (never for a public site)
    python3 run.py test     install what the tests need and run the whole suite

Needs only Python 3.11+. Everything is installed into ./.venv.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import venv
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("GUANXI_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HEARTBEAT_SECONDS = 10  # how often a long step says it is still working (not on a terminal)
# pip's lines that say what it is doing now, and how to say it (the rest is noise here).
PIP_ACTIVITY = (
    (re.compile(r"Collecting ([A-Za-z0-9._-]+)"), "fetching {}"),
    (re.compile(r"Installing build dependencies"), "preparing the build"),
    (re.compile(r"(?:Building|Preparing) editable"), "building Guanxi"),
    (re.compile(r"Installing collected packages"), "installing the packages"),
)


def say(message: str, step: tuple[int, int] | None = None) -> None:
    """One line of progress; `step` is (number, of how many)."""
    prefix = f"[{step[0]}/{step[1]}] " if step else ""
    print(f"==> {prefix}{message}", flush=True)


def pip_activity(line: str) -> str | None:
    """What a line of pip's output says it is doing, in a few words (None: not news)."""
    for pattern, wording in PIP_ACTIVITY:
        found = pattern.match(line.strip())
        if found:
            return wording.format(*found.groups())
    return None


def run_with_progress(*cmd: object, env: dict | None = None) -> None:
    """Run a long command, showing what it is doing and how long it has taken instead of its
    chatter (all of which is shown if it fails)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [str(part) for part in cmd],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    output: deque[str] = deque(maxlen=200)
    state = {"doing": "starting", "packages": 0}

    def read() -> None:
        for line in process.stdout:
            output.append(line)
            doing = pip_activity(line)
            if doing:
                state["doing"] = doing
                state["packages"] += doing.startswith("fetching")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    live = sys.stdout.isatty()  # a terminal gets one line rewritten in place
    while True:
        try:
            process.wait(timeout=0.5 if live else HEARTBEAT_SECONDS)
            break
        except subprocess.TimeoutExpired:
            line = f"    {time.monotonic() - started:3.0f} s  {state['doing']}"
            print(f"\r\033[K{line[:79]}" if live else line, end="" if live else "\n", flush=True)
    reader.join()
    if live:
        print("\r\033[K", end="")
    if process.returncode != 0:
        print("".join(output), end="", file=sys.stderr)
        sys.exit(process.returncode)
    count = state["packages"]
    packages = f", {count} package{'s' if count != 1 else ''}" if count else ""
    print(f"    done in {time.monotonic() - started:.0f} s{packages}", flush=True)


def run(*cmd: object, env: dict | None = None, check: bool = True) -> int:
    result = subprocess.run([str(part) for part in cmd], cwd=ROOT, env=env)
    if check and result.returncode != 0:
        sys.exit(result.returncode)
    return result.returncode


def ensure_venv(extra: str, steps: int) -> None:
    """Steps 1 and 2 of `steps`: the virtual environment and everything installed into it."""
    if sys.version_info < (3, 11):
        sys.exit(f"Guanxi needs Python 3.11 or newer (found {sys.version.split()[0]}).")
    if PY.exists():
        say(f"virtual environment: {VENV} (already there)", (1, steps))
    else:
        say(f"creating a virtual environment in {VENV}", (1, steps))
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # ensurepip missing on some Debian/Ubuntu Pythons
            sys.exit(
                f"Could not create a virtualenv ({exc}). On Debian/Ubuntu: apt install python3-venv"
            )
    spec = f".[{extra}]" if extra else "."
    stamp = VENV / f".guanxi-installed-{extra or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        say("dependencies: up to date", (2, steps))
        return
    say(
        f"installing Guanxi and its dependencies ({spec}); the first time takes a minute or two",
        (2, steps),
    )
    # Build-backend chatter (e.g. setuptools' editable-install notice) is not for newcomers.
    quiet = {**os.environ, "PYTHONWARNINGS": "ignore"}
    pip = (PY, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off")
    run_with_progress(*pip, "--upgrade", "pip", env=quiet)
    run_with_progress(*pip, "-e", spec, env=quiet)
    stamp.write_text(digest)


def find_chromium() -> str | None:
    configured = os.environ.get("GUANXI_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def can_apt() -> bool:
    return bool(shutil.which("apt-get")) and hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(*packages: str) -> int:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env, check=False)
    return run("apt-get", "install", "-y", "-qq", *packages, env=env, check=False)


def ensure_cjk_font() -> None:
    """Best effort: without a Chinese font, screenshots of Chinese pages show boxes."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout
    if found.strip():
        return
    if can_apt():
        say("installing a Chinese font for readable screenshots (fonts-wqy-microhei)")
        if apt_install("fonts-wqy-microhei") == 0:
            return
    say("note: no Chinese font found; Chinese text in screenshots will show as boxes")


def ensure_gettext() -> None:
    """The translation tests extract strings with xgettext and compile with msgfmt."""
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return
    if can_apt():
        say("installing GNU gettext for the translation checks (apt-get)")
        apt_install("gettext")
        if shutil.which("xgettext") and shutil.which("msgfmt"):
            return
    sys.exit(
        "The translation checks need GNU gettext (xgettext, msgfmt) and it is not installed.\n"
        "  Debian/Ubuntu: sudo apt-get install gettext   Fedora: sudo dnf install gettext\n"
        "  macOS: brew install gettext"
    )


def ensure_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if can_apt():
        say("installing Debian's chromium for the browser tests (apt-get)")
        apt_install("chromium")
        found = find_chromium()
        if found:
            return found
    sys.exit(
        "The browser tests need Chromium and it is not installed.\n"
        "  Debian/Ubuntu: sudo apt-get install chromium   (or chromium-browser)\n"
        "  Fedora: sudo dnf install chromium    macOS: brew install --cask chromium\n"
        "  or point GUANXI_CHROMIUM at a Chromium/Chrome binary."
    )


def serve_environment(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """The environment and `guanxi serve` arguments for `run.py [serve] [--debug] ...`."""
    env = dict(os.environ)
    if "--debug" in args:
        env["DEBUG"] = "1"
        args = [arg for arg in args if arg != "--debug"]
    return env, args


def serve(args: list[str]) -> None:
    env, args = serve_environment(args)
    ensure_venv("", steps=3)
    say("starting Guanxi: database, static files, demo community, then the server", (3, 3))
    command = BIN / "guanxi"
    os.execve(str(command), [str(command), "serve", "--demo", *args], env)


def test(args: list[str]) -> None:
    ensure_venv("test", steps=5)
    env = dict(os.environ)
    env["GUANXI_CHROMIUM"] = ensure_chromium()
    ensure_cjk_font()
    ensure_gettext()
    env["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    env.setdefault("GUANXI_TEST_DB_DIR", tempfile.mkdtemp(prefix="guanxi-test-"))
    target = env.get("DATABASE_URL", "sqlite").split(":", 1)[0]
    say("lint (ruff) and format check", (3, 5))
    run(BIN / "ruff", "check", "guanxi", "tests", "bench", "run.py")
    run(BIN / "ruff", "format", "--check", "guanxi", "tests", "bench", "run.py")
    say("dependency rules (import-linter) and types (mypy)", (4, 5))
    run(BIN / "lint-imports")
    run(BIN / "mypy")
    say(f"test suite on {target}" + (" + redis" if env.get("REDIS_URL") else ""), (5, 5))
    workers = env.get("GUANXI_TEST_WORKERS", "auto")
    code = run(
        PY, "-m", "pytest", "-n", workers, "--dist", "loadgroup", *args, env=env, check=False
    )
    sys.exit(code)


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "test":
        test(args[1:])
    elif args and args[0] in {"-h", "--help", "help"}:
        print(__doc__)
    else:
        serve(args[1:] if args and args[0] == "serve" else args)


if __name__ == "__main__":
    main()
