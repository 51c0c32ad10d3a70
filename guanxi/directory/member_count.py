"""How many members the directory lists: counted once, cached, and forgotten whenever a
member joins, leaves, is (de)activated or changes whether they are listed.

The cache spares the home page a count over a join on every visit; the model signals
(connected in apps.ready, acted on after commit) keep it exact for writes that go
through the ORM (the directory's own and every other app's). Bulk writes that skip
signals (`guanxi demo`'s bulk_create) are caught up by the expiry.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from guanxi.accounts.models import Profile, User

KEY = "directory:member-count"
CACHE_SECONDS = 300
# Fields that change who is counted (a save naming none of them cannot change the count).
PROFILE_FIELDS = {"listed"}
USER_FIELDS = {"is_active"}


def member_count() -> int:
    count = cache.get(KEY)
    if count is None:
        count = Profile.objects.filter(listed=True, user__is_active=True).count()
        cache.set(KEY, count, CACHE_SECONDS)
    return count


def forget() -> None:
    transaction.on_commit(lambda: cache.delete(KEY))


def _on_save(fields: set[str]):
    def receiver(sender, created: bool = False, update_fields=None, **kwargs) -> None:
        if created or update_fields is None or fields & set(update_fields):
            forget()

    return receiver


_profile_saved = _on_save(PROFILE_FIELDS)
_user_saved = _on_save(USER_FIELDS)


def _deleted(sender, **kwargs) -> None:
    forget()


def connect() -> None:
    post_save.connect(_profile_saved, sender=Profile, dispatch_uid="member-count-profile")
    post_save.connect(_user_saved, sender=User, dispatch_uid="member-count-user")
    post_delete.connect(_deleted, sender=Profile, dispatch_uid="member-count-profile-gone")
