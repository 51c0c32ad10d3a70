"""The member graph: connections, requests, follows, blocks and privacy settings.

Invariants live in the database: a connection is one row per unordered pair stored
low-id-first; a pending request is one row per unordered pair in either direction;
nobody connects to, requests, follows or blocks themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Connection(models.Model):
    user_low = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    user_high = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    introduced_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user_low__lt=F("user_high")), name="connection_ordered_pair"
            ),
            models.UniqueConstraint(
                fields=["user_low", "user_high"], name="connection_unique_pair"
            ),
        ]
        indexes = [models.Index(fields=["user_high", "user_low"], name="connection_by_high")]

    def other(self, user_id: int) -> int:
        return self.user_high_id if self.user_low_id == user_id else self.user_low_id


class ConnectionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IGNORED = "ignored", _("Ignored")

    sender = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    # The unordered pair, so one open request per pair whichever side sent it.
    pair_low = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    pair_high = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(sender=F("recipient")), name="request_not_self"),
            models.CheckConstraint(
                condition=(Q(pair_low=F("sender")) & Q(pair_high=F("recipient")))
                | (Q(pair_low=F("recipient")) & Q(pair_high=F("sender"))),
                name="request_pair_matches",
            ),
            models.CheckConstraint(
                condition=Q(pair_low__lt=F("pair_high")), name="request_pair_ordered"
            ),
            models.UniqueConstraint(fields=["pair_low", "pair_high"], name="request_unique_pair"),
        ]
        indexes = [
            models.Index(fields=["recipient", "status", "-created_at"], name="request_inbox"),
            models.Index(fields=["sender", "-created_at"], name="request_outbox"),
        ]


class Follow(models.Model):
    follower = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    followee = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique"),
        ]
        indexes = [models.Index(fields=["followee", "follower"], name="follow_by_followee")]


class Block(models.Model):
    blocker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_by_blocked")]


class PrivacySettings(models.Model):
    class RequestsFrom(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        SECOND_DEGREE = "second", _("Only people with a mutual connection")
        NOBODY = "nobody", _("Nobody")

    class ListAudience(models.TextChoices):
        MEMBERS = "members", _("Members")
        CONNECTIONS = "connections", _("My connections")
        ONLY_ME = "only_me", _("Only me")

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, primary_key=True, related_name="privacy"
    )
    requests_from = models.CharField(
        _("who may send me connection requests"),
        max_length=10,
        choices=RequestsFrom.choices,
        default=RequestsFrom.EVERYONE,
    )
    connections_visible_to = models.CharField(
        _("who may see my connections"),
        max_length=12,
        choices=ListAudience.choices,
        default=ListAudience.MEMBERS,
    )
