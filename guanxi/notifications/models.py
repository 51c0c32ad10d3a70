"""In-app notifications and how each member wants to hear of them by email. The app
knows no feature: each kind is registered by the app that sends it (see registry.py),
and its data is plain JSON."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.notifications.registry import Delivery


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "", _("No email")
        NOW = "now", _("At once")
        DIGEST = "digest", _("In the daily digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The email owed for this row, decided by the member's preference when it was
    # written; `emailed_at` is the sent-marker that makes retries idempotent, and
    # `email_claimed_at` a lease, so two workers never send the same row at once.
    email = models.CharField(max_length=6, choices=Email.choices, default=Email.NONE, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(email="digest", emailed_at__isnull=True),
                name="notif_digest_pending",
            ),
        ]


class EmailSettings(models.Model):
    """One row per member who has received or configured a notification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_email_settings",
    )
    # The language chosen for emails; blank follows `site_language`, the language the
    # member last used the site in (recorded by LanguageMemoryMiddleware).
    language = models.CharField(max_length=10, blank=True)
    site_language = models.CharField(max_length=10, blank=True)
    paused = models.BooleanField(_("pause all email"), default=False)
    # When the member's next digest is due; set when the first digest item waits,
    # cleared by the worker that claims it (a conditional UPDATE), so each daily slot
    # is sent once whatever runs twice.
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"email settings of user {self.user_id}"


class KindPreference(models.Model):
    """A member's choice for one kind; kinds without a row use their default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    delivery = models.CharField(max_length=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique"),
            models.CheckConstraint(
                condition=models.Q(delivery__in=[d.value for d in Delivery]),
                name="notif_pref_delivery_valid",
            ),
        ]
