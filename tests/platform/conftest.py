"""Helpers for the platform tests: run the `guanxi` settings in a child process."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Variables of the parent test run that must not leak into a child's settings.
_PARENT_ONLY = (
    "DATABASE_URL",
    "REDIS_URL",
    "GUANXI_ENV",
    "GUANXI_TESTING",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "DJANGO_SETTINGS_MODULE",
    "PYTEST_XDIST_WORKER",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def child_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _PARENT_ONLY}
    env.update(GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="guanxi.settings")
    env.update(overrides)
    return env


def run_python(code: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """Environment of a correctly configured production deployment."""
    return child_env(
        tmp_path,
        GUANXI_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="guanxi.example.org",
        CSRF_TRUSTED_ORIGINS="https://guanxi.example.org",
    )
