"""notify(): the in-app row in the caller's transaction, the email after commit, per
the member's preference and in their language."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from guanxi.network import services as network
from guanxi.notifications import selectors, services
from guanxi.notifications.models import EmailSettings, Notification
from guanxi.notifications.registry import Delivery
from tests.notifications.conftest import pending

pytestmark = pytest.mark.django_db


def test_an_invitation_is_emailed_at_once_after_commit(
    alice, bob, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        network.connection_request_send(sender=alice, recipient_id=bob.pk, note="Hello")
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["bob@example.com"]
    assert message.subject == "[Guanxi] Alice Chen wants to connect with you."
    assert "“Hello”" in message.body  # the invitation's note
    assert "http://127.0.0.1:8000/network/invitations/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert unsubscribe.strip("<>") in message.body
    note = Notification.objects.get(recipient=bob)
    assert note.emailed_at is not None  # the sent-marker


def test_a_rolled_back_action_leaves_no_row_and_sends_nothing(
    alice, bob, outbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipient=bob, kind="connection_request", actor=alice)
        raise RuntimeError("the caller fails after notifying")
    assert callbacks == []
    assert outbox == []
    assert not Notification.objects.exists()


def test_nothing_is_sent_before_the_caller_commits(alice, bob, outbox):
    # The test transaction never commits: the row exists, the email is only owed.
    services.notify(recipient=bob, kind="connection_request", actor=alice)
    assert outbox == []
    assert len(pending(bob, Notification.Email.NOW)) == 1


def test_defaults_per_kind(alice, bob, outbox, django_capture_on_commit_callbacks):
    deliveries = selectors.deliveries_for(bob)
    assert deliveries["connection_request"] == Delivery.NOW
    assert deliveries["connection_accepted"] == Delivery.DIGEST
    assert deliveries["introduction_received"] == Delivery.NOW
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    assert outbox == []  # waits for the digest
    assert len(pending(bob, Notification.Email.DIGEST)) == 1
    assert EmailSettings.objects.get(user=bob).next_digest_at is not None


@pytest.mark.parametrize(
    ("delivery", "paused", "owed"),
    [
        ("now", False, Notification.Email.NOW),
        ("digest", False, Notification.Email.DIGEST),
        ("never", False, Notification.Email.NONE),
        ("now", True, Notification.Email.NONE),
    ],
)
def test_the_members_choice_decides_the_email(
    alice, bob, outbox, prefer, django_capture_on_commit_callbacks, delivery, paused, owed
):
    prefer(bob, "connection_request", delivery, paused=paused)
    with django_capture_on_commit_callbacks(execute=True):
        note = services.notify(recipient=bob, kind="connection_request", actor=alice)
    note.refresh_from_db()
    assert note.email == owed
    assert len(outbox) == (1 if owed == Notification.Email.NOW else 0)
    assert Notification.objects.filter(recipient=bob).count() == 1  # always in the app


def test_a_default_choice_is_not_stored(bob, prefer):
    prefer(bob, "connection_request", "digest")
    prefer(bob, "connection_request", "now")  # back to the default
    from guanxi.notifications.models import KindPreference

    assert not KindPreference.objects.filter(user=bob).exists()


def test_choosing_never_drops_emails_still_owed(alice, bob, prefer, outbox):
    services.notify(recipient=bob, kind="connection_accepted", actor=alice)
    prefer(bob, "connection_accepted", "never")
    assert pending(bob, Notification.Email.DIGEST) == []


def test_an_unknown_kind_is_refused(bob):
    with pytest.raises(ValueError, match="unregistered"):
        services.notify(recipient=bob, kind="no_such_kind")


def test_email_is_in_the_recipients_language(
    alice, bob, outbox, django_capture_on_commit_callbacks
):
    services.remember_site_language(user=bob, language="zh-hans")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        network.connection_request_send(sender=alice, recipient_id=bob.pk)
    assert outbox[0].subject == "[Guanxi] Alice Chen 想与你建立联系。"
    assert "退订此类邮件" in outbox[0].body
    assert translation.get_language() == "en"  # the sender's language is untouched


def test_a_chosen_email_language_wins_over_the_site_language(alice, bob, prefer):
    services.remember_site_language(user=bob, language="zh-hans")
    prefer(bob, "connection_request", "now", language="en")
    assert selectors.email_language(selectors.email_settings_for(bob)) == "en"
    services.remember_site_language(user=bob, language="xx")
    prefer(bob, "connection_request", "now", language="")
    assert selectors.email_language(selectors.email_settings_for(bob)) == "en"  # default


def test_the_site_language_is_remembered_from_what_the_member_does(bob, login):
    client = login(bob)
    client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert not EmailSettings.objects.filter(user=bob).exists()  # reading costs nothing
    client.post("/notifications/settings/", {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert EmailSettings.objects.get(user=bob).site_language == "zh-hans"


def test_inactive_members_are_not_emailed(alice, bob, outbox, django_capture_on_commit_callbacks):
    bob.is_active = False
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        note = services.notify(recipient=bob, kind="connection_request", actor=alice)
    assert note.email == Notification.Email.NONE
    assert outbox == []


def test_demo_members_are_never_emailed(alice, bob, outbox, django_capture_on_commit_callbacks):
    # Seeded demo members have made-up addresses; they still get the in-app row.
    bob.is_demo = True
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        note = services.notify(recipient=bob, kind="connection_request", actor=alice)
    assert note.email == Notification.Email.NONE
    assert outbox == []
    assert Notification.objects.filter(recipient=bob).count() == 1
