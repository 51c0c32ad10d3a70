"""Writes about the account itself (as opposed to the profile): deleting it."""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import transaction

from guanxi.accounts.models import Profile, User
from guanxi.accounts.services import photo_file_is_owned

logger = logging.getLogger(__name__)


def _remove_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # the row is gone either way; a stray file is only disk space
        logger.warning("could not delete %s after account deletion", name, exc_info=True)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account and, by cascade, its profile, tokens, email addresses and
    everything the member created. Their uploaded photo goes once the deletion commits."""
    photo = Profile.objects.filter(user=user).values_list("photo", flat=True).first()
    user_id = user.pk
    User.objects.filter(pk=user_id).delete()
    # Shared files (the demo community's avatars) are not this member's to delete.
    if photo and photo_file_is_owned(user_id=user_id, name=photo):
        transaction.on_commit(lambda: _remove_file(photo))
