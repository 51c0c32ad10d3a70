"""The accounts app's events, sent on commit (guanxi.core.signals.send_on_commit).
Receivers take keyword arguments only and must accept **kwargs."""

from django.dispatch import Signal

# user_id: the account and, by cascade, everything it owned are gone. For apps that keep
# what a cascade cannot reach (caches, search documents, files).
member_deleted = Signal()
