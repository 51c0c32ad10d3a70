"""The Redis cache, degrading to a per-process memory cache while Redis is unreachable.

Rate limits (ours and allauth's), the directory's counts and suggestion hints all read
the cache on request paths; with Django's plain RedisCache a stopped Redis turns each of
them into a 500. Here an unreachable Redis costs only sharing: every operation falls back
to local memory (limits then count per process), Redis is tried again every few seconds,
and it is used again as soon as it answers. `/readyz` asks `ping()`, which never falls back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0  # how long an outage is assumed before Redis is tried again
REMIND_SECONDS = 300.0  # while Redis stays down, say so again at most this often
FALLBACK_ENTRIES = 100_000


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        # Room for every rate-limit counter of a busy outage (LocMemCache's default is 300).
        self._local = LocMemCache(
            f"redis-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": FALLBACK_ENTRIES}},
        )
        self._lock = threading.Lock()
        self._retry_at = 0.0  # monotonic time before which Redis is not tried
        self._down_since: float | None = None
        self._reminded_at = 0.0

    @property
    def degraded(self) -> bool:
        """True while operations go to the local fallback."""
        return self._down_since is not None

    def ping(self) -> None:
        """Ask Redis itself (no fallback); raises while it is unreachable."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as exc:
            self._failed(exc)
            raise
        self._recovered()

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._retry_at = now + RETRY_SECONDS
            if self._down_since is None:
                self._down_since = self._reminded_at = now
                logger.warning(
                    "Redis is unreachable (%s: %s); caching and rate limits use this "
                    "process's memory until it answers again",
                    exc.__class__.__name__,
                    exc,
                )
            elif now - self._reminded_at >= REMIND_SECONDS:
                self._reminded_at = now
                logger.warning(
                    "Redis is still unreachable after %d s (%s)",
                    now - self._down_since,
                    exc.__class__.__name__,
                )

    def _recovered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            down_for = time.monotonic() - self._down_since
            self._down_since = None
            self._retry_at = 0.0
        logger.warning("Redis answers again after %d s; the shared cache is back", down_for)


def _degrading(name: str) -> Callable[..., Any]:
    shared = getattr(RedisCache, name)
    local = getattr(LocMemCache, name)

    def operation(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        if self._down_since is not None and time.monotonic() < self._retry_at:
            return local(self._local, *args, **kwargs)
        try:
            result = shared(self, *args, **kwargs)
        except UNREACHABLE as exc:
            self._failed(exc)
            return local(self._local, *args, **kwargs)
        self._recovered()
        return result

    operation.__name__ = name
    operation.__doc__ = shared.__doc__
    return operation


# Every operation RedisCache implements; the others (get_or_set, decr, the async
# variants) are built on these by BaseCache.
for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(FallbackRedisCache, _name, _degrading(_name))
