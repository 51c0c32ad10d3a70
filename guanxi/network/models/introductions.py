"""Introductions: a member puts two of their connections in touch; both must agree.

The two introduced members are stored as an unordered pair (low id first) so the
database can hold at most one open introduction per pair whoever made it. Each side's
answer is private to that side: others only ever learn "not now".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

INTRODUCTION_NOTE_MAX = 500


class Introduction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for answers")
        CONNECTED = "connected", _("Connected")
        # One side said no, or a block between the people involved closed it. Both
        # read as "not now" to everyone but the person who declined.
        NOT_NOW = "not_now", _("Not now")
        CANCELLED = "cancelled", _("Not now")

    class Answer(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not now")

    # Kept (as None) if the introducer leaves: the two can still answer.
    introducer = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member_low = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    member_high = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=INTRODUCTION_NOTE_MAX)
    answer_low = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answer_high = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_low__lt=F("member_high")), name="introduction_ordered_pair"
            ),
            models.CheckConstraint(
                condition=Q(introducer__isnull=True)
                | (~Q(introducer=F("member_low")) & ~Q(introducer=F("member_high"))),
                name="introduction_not_self",
            ),
            # While it waits for answers, one introduction per pair whoever made it.
            models.UniqueConstraint(
                fields=["member_low", "member_high"],
                condition=Q(status="open"),
                name="introduction_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="introduction_resolved_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="connected")
                | (Q(answer_low="accepted") & Q(answer_high="accepted")),
                name="introduction_connected_needs_both",
            ),
        ]
        indexes = [
            # Received lists and the weekly per-member limit.
            models.Index(fields=["member_low", "-created_at"], name="intro_by_low"),
            models.Index(fields=["member_high", "-created_at"], name="intro_by_high"),
            # Made-by-me list and the daily per-introducer limit.
            models.Index(fields=["introducer", "-created_at"], name="intro_by_introducer"),
        ]

    def __str__(self) -> str:
        return f"introduction {self.pk}: {self.member_low_id} & {self.member_high_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def side_of(self, user_id: int) -> str | None:
        """ "low" or "high" for one of the two introduced members, None for anyone else."""
        if user_id == self.member_low_id:
            return "low"
        if user_id == self.member_high_id:
            return "high"
        return None

    def answer_of(self, user_id: int) -> str:
        return getattr(self, f"answer_{self.side_of(user_id)}")

    def other_id(self, user_id: int) -> int:
        return self.member_high_id if user_id == self.member_low_id else self.member_low_id
