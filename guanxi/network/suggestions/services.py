"""People you may know, written: the precomputed table, dismissals, freshness.

Suggestions are computed for one member by `refresh_member` (the live ranking of
selectors.py, bounded SQL reads) or for everyone by the full recompute (recompute.py),
and served by selectors.py. They stay fresh through the graph hooks: a new or removed
connection refreshes both members at once and marks their connections stale (refreshed
when next shown); a block drops rows both ways at once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.models import User
from guanxi.core.errors import Invalid
from guanxi.network import selectors
from guanxi.network.models import (
    Dismissal,
    Suggestion,
    SuggestionState,
)
from guanxi.network.suggestions.rank import Ranked
from guanxi.network.suggestions.selectors import live_suggestions


def store_suggestions(user_id: int, ranked: list[Ranked], *, computed_at=None) -> None:
    """Replace the member's stored suggestions (call inside a transaction)."""
    computed_at = computed_at or timezone.now()
    Suggestion.objects.filter(user_id=user_id).delete()
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                user_id=user_id,
                candidate_id=r.user_id,
                score=r.score,
                mutual_count=r.mutual_count,
                face_1_id=r.face_ids[0],
                face_2_id=r.face_ids[1],
                computed_at=computed_at,
            )
            for r in ranked
        ]
    )
    SuggestionState.objects.update_or_create(
        user_id=user_id, defaults={"computed_at": computed_at, "stale": False}
    )


def refresh_member(user_id: int) -> int:
    """Recompute and store one member's suggestions; returns how many. Idempotent."""
    ranked = live_suggestions(user_id)
    with transaction.atomic():
        # Two refreshes of one member replace the rows one after the other, never
        # interleaved (the member's row lock; SQLite serialises writers anyway).
        if not User.objects.select_for_update().filter(pk=user_id, is_active=True).exists():
            return 0
        store_suggestions(user_id, ranked)
    return len(ranked)


def mark_neighbours_stale(*user_ids: int) -> int:
    """Members connected to any of `user_ids` have a changed 2nd degree: mark them."""
    mine = set()
    for user_id in user_ids:
        mine |= selectors.connection_ids(user_id)
    mine -= set(user_ids)
    marked = 0
    ids = sorted(mine)
    for start in range(0, len(ids), 500):
        marked += SuggestionState.objects.filter(
            user_id__in=ids[start : start + 500], stale=False
        ).update(stale=True)
    return marked


# --- Dismissing ---------------------------------------------------------------------


@transaction.atomic
def dismiss_suggestion(*, user: User, candidate_id: int) -> bool:
    """Never suggest `candidate_id` to `user` again. Returns False if already dismissed."""
    if candidate_id == user.pk:
        raise Invalid(_("You cannot dismiss yourself."))
    if not User.objects.filter(
        pk=candidate_id, is_active=True
    ).exists() or selectors.is_blocked_either_way(user.pk, candidate_id):
        raise MemberNotFound
    _dismissal, created = Dismissal.objects.get_or_create(user=user, candidate_id=candidate_id)
    Suggestion.objects.filter(user=user, candidate_id=candidate_id).delete()
    return created


# --- Keeping fresh ------------------------------------------------------------------


def graph_changed(*, a_id: int, b_id: int, **kwargs) -> None:
    """Receiver, after commit: a connection between a and b appeared or went."""
    from guanxi.network.tasks import refresh_after_graph_change

    refresh_after_graph_change.enqueue(a_id, b_id)


def blocked(*, blocker_id: int, blocked_id: int, **kwargs) -> None:
    """Receiver, inside the blocking transaction: neither is suggested to the other any more."""
    Suggestion.objects.filter(user_id=blocker_id, candidate_id=blocked_id).delete()
    Suggestion.objects.filter(user_id=blocked_id, candidate_id=blocker_id).delete()


def register_hooks() -> None:
    """Called from NetworkConfig.ready()."""
    from guanxi.network import signals

    signals.graph_changed.connect(graph_changed, dispatch_uid="suggestions.graph_changed")
    signals.blocking.connect(blocked, dispatch_uid="suggestions.blocked")
