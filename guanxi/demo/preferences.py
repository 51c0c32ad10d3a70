"""Demo members' notification email choices: most keep the defaults, the rest a mix
(a daily digest for invitations, no email for completed introductions, paused, or
emails in Chinese), so the settings page and the digest have something to show."""

from __future__ import annotations

import random

from guanxi.accounts.models import User
from guanxi.notifications import services
from guanxi.notifications.models import EmailSettings, KindPreference

CHOICES = [
    ({"connection_request": "digest", "introduction_received": "digest"}, False, ""),
    ({"connection_accepted": "never", "introduction_completed": "never"}, False, ""),
    ({"connection_request": "now", "connection_accepted": "now"}, False, "zh-hans"),
    ({}, True, ""),
]
SHARE = 3  # one member in SHARE chooses for themselves


def seed_demo_preferences(*, seed: int) -> int:
    """Idempotent: members who already have settings are left alone."""
    ids = sorted(User.objects.filter(is_demo=True).values_list("pk", flat=True))
    configured = set(
        EmailSettings.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    )
    configured |= set(
        KindPreference.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    )
    made = 0
    users = User.objects.in_bulk([pk for pk in ids if pk not in configured])
    for pk in sorted(users):
        # One generator per member: a rerun makes the same decision for each.
        rng = random.Random(f"guanxi-demo-preferences:{seed}:{users[pk].username}")
        if rng.randrange(SHARE):
            continue
        deliveries, paused, language = rng.choice(CHOICES)
        services.email_preferences_update(
            user=users[pk], deliveries=deliveries, paused=paused, language=language
        )
        made += 1
    return made
