"""The network's events. Receivers take keyword arguments only (`sender` is the service's
model class) and must accept **kwargs, as every Django receiver does."""

from django.dispatch import Signal

# Sent on commit (guanxi.core.signals.send_on_commit), for any app.
graph_changed = Signal()  # a_id, b_id: a connection between them appeared or went
member_blocked = Signal()  # blocker_id, blocked_id

# Sent inside the blocking transaction, for this app's sub-packages only: what a block
# ends (open introductions, stored suggestions) ends atomically with it. The sub-packages
# build on network.services, so it cannot call them without an import cycle.
blocking = Signal()  # blocker_id, blocked_id
