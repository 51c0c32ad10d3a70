"""The network as a member sees it: invitations, connections, suggestions, the relationship
panel on a profile, privacy and notifications — used in a real browser, then screenshotted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from guanxi.network import selectors
from tests.browser.community import build_network

pytestmark = pytest.mark.browser


@pytest.fixture
def network(alice, bob):
    return build_network(alice)


def test_member_uses_the_network(page, screenshot, log_in, alice, network):
    log_in(page, alice.email)

    page.goto("/network/invitations/")
    expect(page.get_by_text("Loved your talk at the alumni evening!")).to_be_visible()
    screenshot(page, "network-invitations")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Loved your talk at the alumni evening!")).to_be_hidden()
    # The outcome shows where the invitation was, not a page later.
    outcome = page.locator(".invitation-outcome")
    expect(outcome.get_by_role("status")).to_have_text(
        "Invitation accepted. You are now connected."
    )
    expect(outcome.get_by_role("link", name="Amira Haddad")).to_be_visible()
    screenshot(page, "network-invitation-accepted")
    assert selectors.are_connected(alice.pk, network["amira"].pk)

    page.goto("/network/")
    expect(page.get_by_role("link", name="Amira Haddad")).to_be_visible()
    screenshot(page, "network-connections")

    page.goto("/network/suggestions/")
    expect(page.get_by_role("link", name="James Chen")).to_be_visible()
    screenshot(page, "network-suggestions")

    page.goto("/@jchen/")
    expect(page.locator(".degree-badge").first).to_have_text("2nd")
    page.get_by_text("Connect", exact=True).click()  # opens the note form
    page.get_by_label("Add a note (optional)").fill("Sofia says we should talk about fintech.")
    screenshot(page, "network-profile-connect")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Pending", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Invitation sent.")).to_be_visible()
    screenshot(page, "network-profile-pending")
    assert selectors.pending_request_between(alice.pk, network["jchen"].pk) is not None

    page.goto("/network/privacy/")
    page.get_by_label("Only people with a mutual connection").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Privacy settings saved.")).to_be_visible()
    screenshot(page, "network-privacy")

    page.goto("/")
    screenshot(page, "home-member-network")


def test_notifications_page(page, screenshot, log_in, alice, network):
    log_in(page, network["amira"].email)
    page.goto("/network/invitations/sent/")
    expect(page.get_by_role("link", name="Alice Chen")).to_be_visible()
    page.context.clear_cookies()
    log_in(page, alice.email)
    expect(page.locator(".nav-count")).to_have_text("3")  # two acceptances, one invitation
    page.goto("/notifications/")
    expect(page.get_by_text("Amira Haddad wants to connect with you.")).to_be_visible()
    screenshot(page, "notifications")
