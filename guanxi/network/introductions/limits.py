"""How often introductions may happen (settings with defaults, read at call time)."""

from django.conf import settings

DEFAULT_PER_WEEK = 3
DEFAULT_PER_DAY = 10


def introductions_per_week() -> int:
    """How many times one member may be introduced in any 7 days."""
    return int(getattr(settings, "GUANXI_INTRODUCTIONS_PER_WEEK", DEFAULT_PER_WEEK))


def introductions_per_day() -> int:
    """How many introductions one member may make in any 24 hours."""
    return int(getattr(settings, "GUANXI_INTRODUCTIONS_PER_DAY", DEFAULT_PER_DAY))
