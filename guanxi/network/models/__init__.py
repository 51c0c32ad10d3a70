"""Network models, one concern a module."""

from guanxi.network.models.graph import (
    Block,
    Connection,
    ConnectionRequest,
    Follow,
    PrivacySettings,
)

__all__ = ["Block", "Connection", "ConnectionRequest", "Follow", "PrivacySettings"]
