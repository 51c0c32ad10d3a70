"""People you may know: the precomputed ranking, dismissals, and recompute bookkeeping.

Reasons are not stored as text: they are worked out when a card is shown, from the
candidate's profile as it is then (so a section hidden since never shows up) and in the
viewer's language. What is costly to recount is kept: the mutual-connection count and
the first two mutual connections (the faces), which are checked again when shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

USER = settings.AUTH_USER_MODEL


def _face() -> models.ForeignKey:
    """A mutual connection shown as a face on a suggestion, only after a live check
    (suggestions.selectors). No constraint and no index: a face is never trusted without
    that check (a deleted member fails it), and an index on millions of rows would cost
    every recompute."""
    return models.ForeignKey(
        USER,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )


class Suggestion(models.Model):
    # No index of its own on `user`: the two composite indexes below start with it.
    # (Millions of rows: every index costs the full recompute time.)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", db_index=False)
    candidate = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    mutual_count = models.PositiveIntegerField(default=0)
    # The mutual connections with the lowest ids when computed (rank.FACES), if any.
    face_1 = _face()
    face_2 = _face()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(user=F("candidate")), name="suggestion_not_self"),
            models.UniqueConstraint(fields=["user", "candidate"], name="suggestion_unique"),
        ]
        indexes = [models.Index(fields=["user", "-score"], name="suggestion_ranked")]


class Dismissal(models.Model):
    """A member said "not interested": the candidate is never suggested to them again."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", db_index=False)
    candidate = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(user=F("candidate")), name="dismissal_not_self"),
            models.UniqueConstraint(fields=["user", "candidate"], name="dismissal_unique"),
        ]


class SuggestionState(models.Model):
    """When a member's suggestions were last computed, and whether the graph around
    them has changed since (then the stored list is served and refreshed behind)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, primary_key=True, related_name="+")
    computed_at = models.DateTimeField(db_index=True)
    stale = models.BooleanField(default=False)


class SuggestionRecompute(models.Model):
    """One full recompute. An unfinished run is resumed: members computed after it
    started are skipped."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    members_done = models.PositiveIntegerField(default=0)
    # The graph scoring chosen for the community at the start of the run (rank.SCORINGS);
    # live rankings use the latest finished run's until the next one.
    scoring = models.CharField(max_length=40, blank=True, default="")
