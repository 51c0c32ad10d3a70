"""Notifications in a real browser: an invitation answered on the home page, its state
in the list, a preference changed, and the email's unsubscribe link used signed out."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from guanxi.network import selectors, services
from guanxi.notifications import selectors as notification_selectors
from guanxi.notifications.registry import Delivery

pytestmark = pytest.mark.browser


def test_member_answers_on_home_and_manages_email(
    page, new_page, screenshot, log_in, alice, bob, outbox
):
    outbox.clear()
    services.connection_request_send(sender=alice, recipient_id=bob.pk, note="Met at the fair!")
    (email,) = outbox  # sent at once, after the invitation committed
    assert email.to == [bob.email]

    log_in(page, bob.email)
    page.goto("/")
    invitations = page.get_by_role("region", name="1 invitation waiting for you")
    expect(invitations.get_by_text("Met at the fair!")).to_be_visible()
    screenshot(page, "home-invitations")
    invitations.get_by_role("button", name="Accept").click()
    expect(invitations.get_by_role("status")).to_contain_text(
        "Invitation accepted. You are now connected."
    )
    assert selectors.are_connected(alice.pk, bob.pk)
    screenshot(page, "home-invitation-accepted")

    page.goto("/notifications/")
    item = page.locator(".notification").filter(has_text="Alice Chen wants to connect with you.")
    expect(item.get_by_text("You accepted")).to_be_visible()
    screenshot(page, "notifications-list")

    page.goto("/settings/")
    page.locator(".settings-nav").get_by_role("link", name="Notifications").click()
    invitations_choice = page.get_by_role("group", name="Invitations to connect")
    invitations_choice.get_by_label("Daily digest").check()
    page.get_by_label("Email language").select_option("zh-hans")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(invitations_choice.get_by_label("Daily digest")).to_be_checked()
    assert notification_selectors.delivery_for(bob, "connection_request") == Delivery.DIGEST
    screenshot(page, "settings-notifications")

    # The link in the email works in a browser that is not signed in.
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    stranger = new_page()
    stranger.goto(urlsplit(link).path)
    expect(stranger.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    expect(stranger.get_by_text("Invitations to connect")).to_be_visible()
    assert notification_selectors.delivery_for(bob, "connection_request") == Delivery.NEVER
    screenshot(stranger, "notifications-unsubscribed")
    stranger.get_by_role("button", name="Undo").click()
    expect(stranger.get_by_role("heading", name="Undone")).to_be_visible()
    assert notification_selectors.delivery_for(bob, "connection_request") == Delivery.DIGEST
