"""GUANXI_ENV=production: `check --deploy` is clean, and misconfiguration fails loudly."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.platform.conftest import REPO, child_env, run_python


def guanxi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guanxi.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_no_warning(production_env):
    result = guanxi("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output and "ERRORS" not in output


def test_production_turns_on_transport_security(production_env):
    code = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS"]}))
"""
    result = run_python(code, production_env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "https",
        "ALLOWED_HOSTS": ["guanxi.example.org"],
        "CSRF_TRUSTED_ORIGINS": ["https://guanxi.example.org"],
    }


def test_production_responses_carry_hsts_and_secure_cookies(production_env):
    collected = guanxi("collectstatic", "--noinput", "-v", "0", env=production_env)
    assert collected.returncode == 0, collected.stderr
    # A page that sets the CSRF cookie, requested over HTTPS through the proxy header.
    code = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="guanxi.example.org", HTTP_X_FORWARDED_PROTO="https")
page = client.get("/no-such-page/")
plain = Client(HTTP_HOST="guanxi.example.org").get("/healthz")
cookie = page.cookies["csrftoken"]
print(json.dumps({
    "status": page.status_code,
    "styled": b"/static/guanxi/site." in page.content and b"Page not found" in page.content,
    "hsts": page.headers.get("Strict-Transport-Security"),
    "csrf_secure": bool(cookie["secure"]),
    "http_status": plain.status_code,
    "http_location": plain.headers.get("Location"),
}))
"""
    result = run_python(code, production_env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "status": 404,
        "styled": True,
        "hsts": "max-age=31536000; includeSubDomains; preload",
        "csrf_secure": True,
        "http_status": 301,
        "http_location": "https://guanxi.example.org/healthz",
    }


@pytest.mark.parametrize(
    ("missing", "overrides", "expected"),
    [
        ("SECRET_KEY", {}, "SECRET_KEY must be set when GUANXI_ENV=production"),
        ("ALLOWED_HOSTS", {}, "ALLOWED_HOSTS must be set when GUANXI_ENV=production"),
        (None, {"SECRET_KEY": "short-and-weak"}, "SECRET_KEY must be at least 50 characters"),
    ],
)
def test_production_misconfiguration_fails_clearly(production_env, missing, overrides, expected):
    env = {**production_env, **overrides}
    if missing:
        env.pop(missing)
    result = guanxi("check", env=env)
    assert result.returncode != 0
    assert f"guanxi: configuration error: {expected}" in result.stderr
    assert "Traceback" not in result.stderr


def test_development_generates_a_private_secret_key(tmp_path):
    env = child_env(tmp_path)
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_python(code, env)
    second = run_python(code, env)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) >= 50
    # The key is kept: the second run reads the same one, so sessions survive restarts.
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
