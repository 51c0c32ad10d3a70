"""member_deleted is sent once the deletion commits, never for a rolled-back one."""

from __future__ import annotations

import pytest
from django.db import transaction

from guanxi.accounts.models import User
from guanxi.accounts.services import account_delete
from guanxi.accounts.signals import member_deleted

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def deletions():
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, "user_id": kwargs["user_id"]})

    member_deleted.connect(receiver, weak=False)
    yield calls
    member_deleted.disconnect(receiver)


def test_a_committed_deletion_sends_member_deleted_once(
    alice, deletions, django_capture_on_commit_callbacks
):
    alice_id = alice.pk
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=alice)
    assert deletions == [{"sender": User, "user_id": alice_id}]


def test_a_rolled_back_deletion_sends_nothing(alice, deletions, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        account_delete(user=alice)
        raise Rollback
    assert deletions == []
    assert User.objects.filter(pk=alice.pk).exists()
