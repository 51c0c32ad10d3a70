"""A fixed-window rate limiter on the cache (Redis at scale, local memory embedded)."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one hit for key; return False once more than `limit` hits fall in `period` s."""
    window = int(time.time() // period)
    cache_key = f"rl:{key}:{period}:{window}"
    added = cache.add(cache_key, 1, timeout=period + 1)
    if added:
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period + 1)
            count = 1
    return count <= limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")
