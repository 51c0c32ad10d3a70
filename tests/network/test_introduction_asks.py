"""Asking a shared connection for an introduction (the suggestion card's button)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.core.errors import Conflict, Invalid, NotFound, RateLimited
from guanxi.network import services
from guanxi.network.introductions.services import introduction_ask
from guanxi.notifications.models import Notification
from guanxi.notifications.selectors import as_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def triangle(connect, alice, bob, carol):
    """alice - bob - carol: bob can introduce alice and carol."""
    connect(alice, bob)
    connect(bob, carol)
    return alice, bob, carol


def test_ask_notifies_the_shared_connection_with_a_prefilled_link(triangle):
    alice, bob, carol = triangle
    introduction_ask(requester=alice, target_id=carol.pk, via_id=bob.pk, note="We both run meetups")
    note = Notification.objects.get(recipient=bob, kind="introduction_asked")
    item = as_items([note])[0]
    assert item.text == "Alice Chen asks you to introduce them to Carol Wang."
    assert item.url == f"{reverse('network_introduce')}?a={alice.pk}&b={carol.pk}"
    assert note.data["note"] == "We both run meetups"


def test_only_a_shared_connection_can_be_asked(triangle, dave, connect):
    alice, bob, carol = triangle
    connect(alice, dave)
    with pytest.raises(NotFound):
        introduction_ask(requester=alice, target_id=carol.pk, via_id=dave.pk)
    assert not Notification.objects.filter(kind="introduction_asked").exists()


def test_refusals(triangle, connect, settings):
    alice, bob, carol = triangle
    with pytest.raises(Invalid):
        introduction_ask(requester=alice, target_id=carol.pk, via_id=bob.pk, note="x" * 1001)
    with pytest.raises(NotFound):
        introduction_ask(requester=alice, target_id=alice.pk, via_id=bob.pk)
    services.block(blocker=carol, blocked_id=alice.pk)
    with pytest.raises(NotFound):  # silent: the block is not revealed
        introduction_ask(requester=alice, target_id=carol.pk, via_id=bob.pk)
    services.unblock(blocker=carol, blocked_id=alice.pk)
    connect(alice, carol)
    with pytest.raises(Conflict):
        introduction_ask(requester=alice, target_id=carol.pk, via_id=bob.pk)


def test_daily_limit(triangle, settings):
    alice, bob, carol = triangle
    settings.GUANXI_INTRODUCTION_ASKS_PER_DAY = 2
    introduction_ask(requester=alice, target_id=carol.pk, via_id=bob.pk)
    introduction_ask(requester=alice, target_id=carol.pk, via_id=bob.pk)
    with pytest.raises(RateLimited):
        introduction_ask(requester=alice, target_id=carol.pk, via_id=bob.pk)


def test_ask_page(triangle, login):
    alice, bob, carol = triangle
    client = login(alice)
    url = reverse("network_introduction_ask", args=[carol.pk])
    page = client.get(url).content.decode()
    assert "Bob Li" in page and "Carol Wang" in page
    response = client.post(url, {"via": bob.pk, "note": "hello"})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=bob, kind="introduction_asked").exists()
    bad = client.post(url, {"via": "abc"})
    assert bad.status_code == 200 and "field-invalid" in bad.content.decode()
    assert client.get(reverse("network_introduction_ask", args=[999999])).status_code == 404
    assert login(carol).get(reverse("network_introduction_ask", args=[carol.pk])).status_code == 404


def test_ask_page_for_a_connection_goes_back_to_their_profile(triangle, login):
    alice, bob, _carol = triangle
    response = login(alice).get(reverse("network_introduction_ask", args=[bob.pk]))
    assert response.status_code == 302 and response["Location"] == "/@bob/"


def test_ask_page_hides_a_block(triangle, login):
    alice, _bob, carol = triangle
    services.block(blocker=carol, blocked_id=alice.pk)
    assert login(alice).get(reverse("network_introduction_ask", args=[carol.pk])).status_code == 404
