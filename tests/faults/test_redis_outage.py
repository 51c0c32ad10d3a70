"""Redis stops: the site keeps working on a local fallback, /readyz says so, and the
shared cache is used again once Redis answers. Runs on the suite's database (SQLite by
default, PostgreSQL in the PostgreSQL + Redis run) against a Redis the test owns."""

from __future__ import annotations

import logging

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.accounts.services import access_token_create
from guanxi.api.auth import FAILED_TOKEN_LIMIT
from tests.accounts.helpers import session_user_id, signup_data
from tests.factories import PASSWORD, make_member

pytestmark = [pytest.mark.django_db, pytest.mark.faults]

KEY_PREFIX = "fault"
FALLBACK_LOGGER = "guanxi.core.cache.redis"


@pytest.fixture
def owned_redis_cache(redis_server, settings):
    """The site's cache on the test's own Redis, configured as settings.py does it."""
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "guanxi.core.cache.redis.FallbackRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "KEY_PREFIX": KEY_PREFIX,
        }
    }
    return redis_server


def _keys_in_redis(server) -> list[bytes]:
    return redis.Redis.from_url(server.url).keys(f"{KEY_PREFIX}:*")


def _warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == FALLBACK_LOGGER and record.levelno >= logging.WARNING
    ]


def test_with_redis_down_members_log_in_sign_up_reset_browse_and_use_tokens(
    owned_redis_cache, alice, caplog
):
    caplog.set_level(logging.WARNING, logger=FALLBACK_LOGGER)
    _token, raw = access_token_create(user=alice, name="cli")
    assert Client().get(reverse("readyz")).status_code == 200
    owned_redis_cache.stop()

    # Login (allauth's limits read the cache first).
    member = Client()
    login = member.post(
        reverse("account_login"), {"login": "alice@example.com", "password": PASSWORD}
    )
    assert login.status_code == 302
    assert session_user_id(member) == str(alice.pk)
    # Sign-up, password reset, the directory (its counts are cached), the token API.
    signup = Client().post(reverse("account_signup"), signup_data())
    assert signup.status_code == 302
    assert User.objects.filter(username="liwei").exists()
    reset = Client().post(reverse("account_reset_password"), {"email": "alice@example.com"})
    assert reset.status_code == 302
    assert any("alice@example.com" in message.to for message in mail.outbox)
    directory = member.get(reverse("directory"))
    assert directory.status_code == 200 and "Alice Chen" in directory.content.decode()
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200 and api.json()["handle"] == "alice"
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_nope").status_code == 401

    # Not ready, and it says why.
    ready = Client().get(reverse("readyz"))
    assert ready.status_code == 503
    assert ready.json()["checks"]["redis"].startswith("error: ConnectionError")
    # One warning for the outage, not one per cache operation.
    assert len(_warnings(caplog)) == 1
    assert "Redis is unreachable" in _warnings(caplog)[0]


def test_with_redis_down_limits_still_count_locally(owned_redis_cache, alice):
    owned_redis_cache.stop()
    guesser = Client()
    for _attempt in range(FAILED_TOKEN_LIMIT):
        response = guesser.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_guess")
        assert response.status_code == 401
    blocked = guesser.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_guess")
    assert blocked.status_code == 429
    # allauth's failed-login limit (5 per 5 minutes for one account) holds too.
    for _attempt in range(5):
        wrong = Client().post(
            reverse("account_login"), {"login": "alice@example.com", "password": "wrong-1"}
        )
        assert wrong.status_code == 200
    locked = Client().post(
        reverse("account_login"), {"login": "alice@example.com", "password": "wrong-1"}
    )
    assert locked.status_code == 429


def test_when_redis_returns_the_shared_cache_is_used_again(owned_redis_cache, alice, caplog):
    caplog.set_level(logging.WARNING, logger=FALLBACK_LOGGER)
    owned_redis_cache.stop()
    assert Client().get(reverse("directory")).status_code == 200
    assert cache.degraded

    owned_redis_cache.start()  # an empty Redis, as after a restart
    assert Client().get(reverse("readyz")).status_code == 200
    assert not cache.degraded
    assert "Redis answers again" in _warnings(caplog)[-1]
    # New counts land in Redis again: every web process shares them.
    Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_guess")
    assert any(b"api-token-fail" in key for key in _keys_in_redis(owned_redis_cache))


def test_a_failing_redis_is_retried_only_after_a_pause(owned_redis_cache, monkeypatch):
    """While Redis is down, requests do not each pay a connection attempt."""
    owned_redis_cache.stop()
    cache.set("probe", 1)  # fails over and starts the pause
    attempts = []
    real_get_client = cache._cache.get_client

    def counting_get_client(*args, **kwargs):
        attempts.append(1)
        return real_get_client(*args, **kwargs)

    monkeypatch.setattr(cache._cache, "get_client", counting_get_client)
    for index in range(50):
        cache.set(f"k{index}", index)
        assert cache.get(f"k{index}") == index  # served by the local fallback
    assert attempts == []


def test_member_pages_work_for_a_logged_in_member_while_redis_is_down(owned_redis_cache):
    bob = make_member("bob")
    client = Client()
    client.force_login(bob)
    owned_redis_cache.stop()
    for name in ("home", "directory", "settings", "settings_tokens"):
        assert client.get(reverse(name)).status_code == 200, name
