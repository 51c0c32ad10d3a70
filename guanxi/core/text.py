"""Matching keys for free text."""


def normalize_text(value: str) -> str:
    """Case- and space-insensitive key for matching free text (works for Chinese too)."""
    return " ".join((value or "").split()).casefold()
