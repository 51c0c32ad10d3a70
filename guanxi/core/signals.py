"""Cross-app events are Django signals, each defined in the signals.py of the app whose
services cause it, and sent with `send_on_commit`: a receiver hears of a change only once
the transaction that made it has committed, and never of one that was rolled back."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal


def send_on_commit(signal: Signal, sender: type, **kwargs: Any) -> None:
    """Send `signal` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
