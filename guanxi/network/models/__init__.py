"""Network models, one concern a module."""

from guanxi.network.models.graph import (
    Block,
    Connection,
    ConnectionRequest,
    Follow,
    PrivacySettings,
)
from guanxi.network.models.introductions import Introduction
from guanxi.network.models.suggestions import (
    Dismissal,
    Suggestion,
    SuggestionRecompute,
    SuggestionState,
)

__all__ = [
    "Block",
    "Connection",
    "ConnectionRequest",
    "Dismissal",
    "Follow",
    "Introduction",
    "PrivacySettings",
    "Suggestion",
    "SuggestionRecompute",
    "SuggestionState",
]
