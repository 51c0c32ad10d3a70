"""Guanxi (关系): a self-hostable professional network for communities."""

__version__ = "0.1.0"
