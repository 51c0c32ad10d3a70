"""Background work for people you may know. Every task is idempotent: running one
twice, or after a newer one, leaves the same rows."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_suggestions(user_id: int) -> int:
    """Recompute one member's suggestions."""
    from guanxi.network.suggestions.services import refresh_member

    return refresh_member(user_id)


@task()
def refresh_after_graph_change(a_id: int, b_id: int) -> int:
    """A connection between a and b appeared or went: both get fresh suggestions at
    once; their connections, whose friends-of-friends changed, are marked stale and
    refreshed when they next look."""
    from guanxi.network.suggestions.services import mark_neighbours_stale, refresh_member

    refresh_member(a_id)
    refresh_member(b_id)
    return mark_neighbours_stale(a_id, b_id)


@task()
def recompute_all_suggestions(processes: int = 1) -> int:
    """Everyone's suggestions (resumes an interrupted run). Returns members computed."""
    from guanxi.network.suggestions.recompute import recompute_all

    return recompute_all(processes=processes).computed
