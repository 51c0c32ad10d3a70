"""Cache hygiene for tests that run in parallel workers sharing one Redis."""

from django.conf import settings
from django.core.cache import cache


def clear_cache() -> None:
    """Empty this test worker's cache. On Redis, only this worker's keys: cache.clear()
    would flush the database under the other parallel workers' feet."""
    if settings.REDIS_URL:
        client = cache._cache.get_client()  # noqa: SLF001 - test hygiene only
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()
