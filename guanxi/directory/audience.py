"""Who is looking at the directory, and which profile sections they may see, as SQL.

Visitors see public sections; members public and members-only ones; connections also
connections-only ones; a member sees everything on their own profile. Members blocked
either way are hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from guanxi.core.visibility import Visibility
from guanxi.network import selectors as network

# Above this many connections, filter with a subquery instead of a list of ids.
CONNECTION_IDS_INLINE_MAX = 2000


@dataclass(frozen=True)
class Audience:
    """The viewer as the directory sees them."""

    viewer_id: int | None
    level: int  # PUBLIC for visitors, MEMBERS for members
    connected_ids: frozenset[int] = frozenset()
    hidden_ids: frozenset[int] = frozenset()  # blocked either way

    def level_for(self, owner_id: int) -> int:
        if owner_id == self.viewer_id:
            return Visibility.ONLY_ME
        if owner_id in self.connected_ids:
            return Visibility.CONNECTIONS
        return self.level


def audience_for(viewer) -> Audience:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Audience(viewer_id=None, level=Visibility.PUBLIC)
    return Audience(
        viewer_id=viewer.pk,
        level=Visibility.MEMBERS,
        connected_ids=frozenset(network.connection_ids(viewer.pk)),
        hidden_ids=frozenset(network.blocked_either_way_ids(viewer.pk)),
    )


def section_visible(audience: Audience, section: str) -> Q:
    """Profiles whose `section` the audience may see."""
    column = f"vis_{section}"
    condition = Q(**{f"{column}__lte": audience.level})
    if audience.viewer_id is not None:
        condition |= Q(pk=audience.viewer_id)
        if audience.connected_ids:
            if len(audience.connected_ids) <= CONNECTION_IDS_INLINE_MAX:
                connected = list(audience.connected_ids)
            else:
                connected = network.connections_queryset(audience.viewer_id).values("pk")
            condition |= Q(**{f"{column}__lte": Visibility.CONNECTIONS, "pk__in": connected})
    return condition
