"""Reads: which place a piece of text names, and places to suggest while typing."""

from __future__ import annotations

from django.db.models import Min

from guanxi.core.text import normalize_text
from guanxi.places.models import KEY_MAX, Place, PlaceName

SUGGESTIONS = 8
# One Latin letter starts thousands of names (and suggests nothing useful); one Chinese
# character is already a good start ("上").
MIN_LATIN_PREFIX = 2


def _searchable(key: str) -> bool:
    # No place has an over-long or NUL-bearing name (and PostgreSQL refuses NUL in text).
    return bool(key) and len(key) <= KEY_MAX and "\x00" not in key


def place_id_for_key(key: str, *, names=PlaceName) -> int | None:
    """The place a search key (normalize_text of a name) means, if any: a place's own
    name before another's alias, then the most populous ("suzhou" is Suzhou, Jiangsu).
    `names` lets a data migration pass its historical PlaceName."""
    if not _searchable(key):
        return None
    return (
        names.objects.filter(key=key)
        .order_by("rank", "-place__population", "place_id")
        .values_list("place_id", flat=True)
        .first()
    )


def place_id_for_text(text: str, *, names=PlaceName) -> int | None:
    """The place a member's text names: "上海", "沪", "shanghai" or "Shanghai, China"."""
    key = normalize_text(text)
    place_id = place_id_for_key(key, names=names)
    if place_id is None and "," in key:  # "Shanghai, China": the city comes first
        place_id = place_id_for_key(key.split(",", 1)[0].strip(), names=names)
    return place_id


def place_ids_for_texts(texts) -> dict[str, int | None]:
    """place_id_for_text for many texts at once, each distinct text resolved once."""
    return {text: place_id_for_text(text) for text in set(texts)}


def suggest(text: str, limit: int = SUGGESTIONS) -> list[Place]:
    """Places with a name that starts with `text`: those whose own name does first
    ("shang": Shanghai before the alias "Shanghai Minhang"), the most populous first."""
    key = normalize_text(text)
    if not _searchable(key) or len(key) < (MIN_LATIN_PREFIX if key.isascii() else 1):
        return []
    # A range, not LIKE: SQLite's LIKE is case-insensitive and cannot use the index
    # (PostgreSQL runs with C collation, where the range is the same).
    return list(
        Place.objects.filter(names__key__gte=key, names__key__lt=key + "\U0010ffff")
        .annotate(best_rank=Min("names__rank"))
        .order_by("best_rank", "-population", "pk")[:limit]
    )
