"""A fixed-window rate limiter on the cache, and the client address every limit counts by.

The cache is Redis at scale (falling back to this process's memory while Redis is
unreachable, see core.cache.redis) and local memory embedded.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
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


def seconds_left(period: int) -> int:
    """Seconds until the current window of `period` seconds ends (a Retry-After)."""
    return period - int(time.time()) % period


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted_proxy(address) -> bool:
    return address is not None and any(
        address in network for network in settings.GUANXI_TRUSTED_PROXIES
    )


def client_ip(request) -> str:
    """The address a request comes from, as every rate limit counts it.

    X-Forwarded-For is believed only when the connection comes from a configured proxy
    (GUANXI_TRUSTED_PROXIES, default none): anyone else could write any address there.
    The header is read from the nearest hop back, skipping trusted proxies; the first
    other address is the client.
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    if not _is_trusted_proxy(_address(remote)):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage before our proxy: trust nothing further
        client = str(address)
        if not _is_trusted_proxy(address):
            break
    return client
