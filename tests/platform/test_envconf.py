"""Settings from environment variables: EMAIL_URL, booleans, lists, the local secret key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guanxi.envconf import email_settings, env_bool, env_list, secret_key_from_file
from tests.platform.conftest import child_env, run_python


@pytest.mark.parametrize("url", [None, "", "console://"])
def test_email_defaults_to_the_console(url):
    assert email_settings(url) == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_email_locmem_and_dummy():
    assert email_settings("locmem://")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")
    assert email_settings("dummy://")["EMAIL_BACKEND"].endswith("dummy.EmailBackend")


def test_email_smtp_with_starttls_and_quoted_credentials():
    assert email_settings(
        "smtp://mailer%40example.org:p%40ss%3Aword@mail.example.org:587?tls=1"
    ) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer@example.org",
        "EMAIL_HOST_PASSWORD": "p@ss:word",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 10,
    }


def test_email_smtp_without_credentials_uses_port_25_in_the_clear():
    values = email_settings("smtp://relay.internal")
    assert values["EMAIL_HOST"] == "relay.internal"
    assert values["EMAIL_PORT"] == 25
    assert values["EMAIL_HOST_USER"] == "" and values["EMAIL_HOST_PASSWORD"] == ""
    assert values["EMAIL_USE_TLS"] is False and values["EMAIL_USE_SSL"] is False


def test_email_smtps_is_implicit_tls_on_465():
    values = email_settings("smtps://user:secret@smtp.example.org")
    assert values["EMAIL_PORT"] == 465
    assert values["EMAIL_USE_SSL"] is True
    assert values["EMAIL_USE_TLS"] is False
    assert values["EMAIL_HOST_USER"] == "user"


def test_email_smtp_ssl_flag_means_implicit_tls():
    values = email_settings("smtp://smtp.example.org:2465?ssl=true")
    assert values["EMAIL_PORT"] == 2465
    assert values["EMAIL_USE_SSL"] is True


@pytest.mark.parametrize("url", ["http://mail.example.org", "sendgrid://key", "mail.example.org"])
def test_email_unknown_scheme_is_refused(url):
    with pytest.raises(ValueError, match="EMAIL_URL scheme"):
        email_settings(url)


def test_env_bool_and_list(monkeypatch):
    monkeypatch.setenv("GX_FLAG", "Yes")
    monkeypatch.setenv("GX_OFF", "0")
    monkeypatch.setenv("GX_HOSTS", " a.example.org, ,b.example.org ")
    assert env_bool("GX_FLAG") is True
    assert env_bool("GX_OFF", default=True) is False
    assert env_bool("GX_UNSET", default=True) is True
    assert env_list("GX_HOSTS", []) == ["a.example.org", "b.example.org"]
    assert env_list("GX_UNSET", ["x"]) == ["x"]


def test_secret_key_file_is_created_private_and_reused(tmp_path):
    path = tmp_path / "data" / "secret_key"
    key = secret_key_from_file(path)
    assert len(key) >= 50
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_key_from_file(path) == key


def test_database_and_redis_urls_drive_the_settings(tmp_path):
    env = child_env(
        tmp_path,
        DATABASE_URL="postgres://guanxi:pw@db.internal:5433/community",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtps://u:p@smtp.example.org",
        CONN_MAX_AGE="120",
    )
    code = """
import json, django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "host": db["HOST"], "port": db["PORT"], "name": db["NAME"],
    "conn_max_age": db["CONN_MAX_AGE"], "health_checks": db["CONN_HEALTH_CHECKS"],
    "cache": s.CACHES["default"]["BACKEND"], "cache_location": s.CACHES["default"]["LOCATION"],
    "email": s.EMAIL_BACKEND, "email_ssl": s.EMAIL_USE_SSL,
}))
"""
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "engine": "django.db.backends.postgresql",
        "host": "db.internal",
        "port": 5433,
        "name": "community",
        "conn_max_age": 120,
        "health_checks": True,
        "cache": "guanxi.core.cache.redis.FallbackRedisCache",
        "cache_location": "redis://cache.internal:6379/2",
        "email": "django.core.mail.backends.smtp.EmailBackend",
        "email_ssl": True,
    }


def test_default_database_is_sqlite_in_the_data_dir_with_wal_pragmas(tmp_path):
    code = """
import json, django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({"engine": db["ENGINE"], "name": str(db["NAME"]), "options": db["OPTIONS"],
                  "cache": s.CACHES["default"]["BACKEND"],
                  "cache_file": s.CACHES["default"]["LOCATION"],
                  "conn_max_age": db["CONN_MAX_AGE"]}))
"""
    result = run_python(code, child_env(tmp_path))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "guanxi.sqlite3")
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert values["options"]["timeout"] >= 5
    assert "PRAGMA journal_mode=WAL" in values["options"]["init_command"]
    # Shared by the web workers (rate limits), in a file of its own.
    assert values["cache"] == "guanxi.core.cache.sqlite.SQLiteCache"
    assert values["cache_file"] == str(tmp_path / "cache.sqlite3")
    assert values["conn_max_age"] > 0  # the web server's threads keep their connection


ROUNDS = 500


def _keys_in_a_process(root: str, start, keys) -> None:
    start.wait()
    try:
        keys.put([secret_key_from_file(Path(root) / f"key{i}") for i in range(ROUNDS)])
    except OSError as error:  # the old exclusive create lost the race here
        keys.put(repr(error))


def test_secret_key_created_by_processes_starting_together_is_one_key(tmp_path):
    """Workers starting at once used to race: one failed on the exclusive create, or
    read the file before its key was written. Eight processes create the same 500 keys
    at once; every one must read the same complete keys."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    start, keys = context.Event(), context.Queue()
    processes = [
        context.Process(target=_keys_in_a_process, args=(str(tmp_path), start, keys))
        for _ in range(8)
    ]
    for process in processes:
        process.start()
    start.set()
    found = [keys.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    first = found[0]
    assert all(isinstance(each, list) for each in found), found
    assert all(each == first for each in found)
    assert all(len(key) >= 50 for key in first)
    assert first == [(tmp_path / f"key{i}").read_text().strip() for i in range(ROUNDS)]
    assert len(list(tmp_path.iterdir())) == ROUNDS  # no temporary file left behind
    assert all((tmp_path / f"key{i}").stat().st_mode & 0o777 == 0o600 for i in range(ROUNDS))
