"""`|ago`: "just now" for the first minute, never "0 minutes ago", in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.core.templatetags.moments import ago
from guanxi.network import services


@pytest.mark.parametrize(
    ("offset", "english", "chinese"),
    [
        (timedelta(seconds=0), "just now", "刚刚"),
        (timedelta(seconds=59), "just now", "刚刚"),
        (timedelta(seconds=-20), "just now", "刚刚"),  # a clock a little ahead
        (timedelta(minutes=1, seconds=5), "1 minute ago", "1 分钟前"),
        (timedelta(minutes=5), "5 minutes ago", "5 分钟前"),
        (timedelta(days=3, hours=4), "3 days ago", "3 日前"),
    ],
)
def test_ago(offset, english, chinese):
    when = timezone.now() - offset
    with translation.override("en"):
        assert ago(when).replace("\xa0", " ") == english  # timesince keeps "5 minutes" whole
    with translation.override("zh-hans"):
        assert ago(when).replace("\xa0", " ") == chinese


def test_nothing_for_no_time():
    assert ago(None) == ""


@pytest.mark.django_db
def test_a_fresh_invitation_was_sent_just_now(login, alice, bob):
    services.connection_request_send(sender=alice, recipient_id=bob.pk)
    html = login(alice).get(reverse("network_invitations_sent")).content.decode()
    assert "Sent just now" in html and "0 minutes" not in html
