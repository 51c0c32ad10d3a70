"""Who may see which section of a member's profile: the one rule, in Python and in SQL.

A member gives each profile section an audience (a `Visibility` level). A viewer sees a
section when its level is at most the viewer's audience level for that member: PUBLIC
for a visitor, MEMBERS for any member, CONNECTIONS for one of the member's connections,
ONLY_ME for the member. Members blocked either way are hidden from each other entirely.

`Audience` is the rule: `sees()` answers for one member in Python, `q()` is the same
rule as a condition on Profile rows (a probe of the connections table per row, never a
list of ids: the cost does not grow with the viewer's degree). Profile pages, the API, member cards, the directory's SQL, suggestions,
introductions and shared interests all ask it; none compares levels itself.

Connections and blocks are the network app's, which accounts must not import: network
registers a `MemberGraph` from its ready(). Without one, nobody is connected or hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Expression, Q
from django.utils.translation import gettext_lazy as _


class Visibility(models.IntegerChoices):
    PUBLIC = 0, _("Public")
    MEMBERS = 1, _("Members")
    CONNECTIONS = 2, _("Connections")
    ONLY_ME = 3, _("Only me")


@dataclass(frozen=True)
class MemberGraph:
    """What the rule needs from the member graph (provided by the network app)."""

    are_connected: Callable[[int, int], bool]
    # The condition "the member id at this column is one of the viewer's connections"
    # as a boolean expression: `connected_to(viewer_id, "profile__pk")`. A probe of the
    # connections table per row (a semi-join), so its cost is the same whether the
    # viewer has 10 connections or 5,000; a list of their ids would grow with them.
    connected_to: Callable[[int, str], Expression]
    # Members hidden from a member: blocked by them or blocking them.
    hidden_ids: Callable[[int], set[int]]


_graph: MemberGraph | None = None


def register_member_graph(graph: MemberGraph) -> None:
    global _graph  # noqa: PLW0603 - set once per process from an AppConfig.ready()
    _graph = graph


def _viewer_id(viewer) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer.pk


@dataclass(frozen=True)
class Audience:
    """Who is looking. `level` is what they see of a member who is neither them nor one
    of their connections."""

    viewer_id: int | None
    level: int

    def level_for(self, owner_id: int, *, connected: bool = False) -> int:
        if self.viewer_id is not None:
            if owner_id == self.viewer_id:
                return Visibility.ONLY_ME
            if connected:
                return Visibility.CONNECTIONS
        return self.level

    def sees(self, section_level: int, owner_id: int, *, connected: bool = False) -> bool:
        """The rule in Python: may this audience see a section set to `section_level` on
        `owner_id`'s profile (`connected`: the two are connected)."""
        return section_level <= self.level_for(owner_id, connected=connected)

    def q(self, section: str, *, prefix: str = "") -> Q:
        """The rule as a condition on Profile rows (or rows reaching a profile through
        `prefix`, e.g. "profile__"): profiles whose `section` this audience may see."""
        column = f"{prefix}vis_{section}"
        condition = Q(**{f"{column}__lte": self.level})
        if self.viewer_id is not None:
            condition |= Q(**{f"{prefix}pk": self.viewer_id})
            if _graph is not None:
                condition |= Q(**{f"{column}__lte": Visibility.CONNECTIONS}) & Q(
                    _graph.connected_to(self.viewer_id, f"{prefix}pk")
                )
        return condition

    def is_connected_to(self, owner_id: int) -> bool:
        """Whether the viewer is connected to `owner_id` (one lookup; for a single
        member: lists annotate `connected_q()` instead)."""
        if self.viewer_id is None or self.viewer_id == owner_id or _graph is None:
            return False
        return _graph.are_connected(self.viewer_id, owner_id)

    def connected_q(self, *, prefix: str = "") -> Q:
        """Profiles of the viewer's connections (nothing for a visitor)."""
        if self.viewer_id is None or _graph is None:
            return Q(pk__in=[])
        return Q(_graph.connected_to(self.viewer_id, f"{prefix}pk"))


# Whatever any member may see. The audience of what is said to several people at once:
# suggestion and introduction reasons are read by members who are not connected to the
# member they describe, so only sections open to every member may be used.
EVERY_MEMBER = Audience(viewer_id=None, level=Visibility.MEMBERS)


def audience_of(viewer) -> Audience:
    """The audience a user (or AnonymousUser, or None) belongs to."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return Audience(viewer_id=None, level=Visibility.PUBLIC)
    return member_audience(viewer_id)


def member_audience(viewer_id: int) -> Audience:
    """The audience of the member `viewer_id` (when only the id is at hand)."""
    return Audience(viewer_id=viewer_id, level=Visibility.MEMBERS)


def hidden_member_ids(viewer) -> set[int]:
    """Members hidden from `viewer` everywhere (a block, either way)."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None or _graph is None:
        return set()
    return _graph.hidden_ids(viewer_id)
