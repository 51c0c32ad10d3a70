"""The introduction journey in a real browser: Alice introduces Bob and Carol from an
idea; each says yes in their own browser; they end up connected and see each other as
1st degree."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from guanxi.accounts.models import Profile, ProfileTag, Tag
from guanxi.network import selectors, services
from guanxi.network.introductions import services as intro
from guanxi.network.models import Connection, Introduction
from guanxi.places.selectors import place_id_for_text

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("gazetteer")]


@pytest.fixture
def cast(alice, bob, carol, dave):
    """Alice knows Bob, Carol and Dave; Bob and Carol share a city and an interest."""
    for member in (bob, carol, dave):
        services.connect_members(a=alice, b=member)
    # A shared city is a shared gazetteer place, not equal typed text.
    Profile.objects.filter(user__in=[bob, carol]).update(
        city="Hangzhou", city_key="hangzhou", place_id=place_id_for_text("Hangzhou")
    )
    edtech = Tag.objects.create(name="edtech", key="edtech")
    for member in (bob, carol):
        ProfileTag.objects.create(profile_id=member.pk, tag=edtech, kind=ProfileTag.Kind.INTEREST)
    return alice, bob, carol


def test_introduce_two_connections_and_both_accept(page, new_page, log_in, screenshot, cast):
    alice, bob, carol = cast

    # Alice picks the idea and sends the prefilled introduction.
    log_in(page, alice.email)
    page.goto("/network/introductions/ideas/")
    idea = page.get_by_role("link", name="Introduce Bob Li and Carol Wang")
    expect(idea).to_be_visible()
    expect(page.get_by_text("both interested in #edtech").first).to_be_visible()
    screenshot(page, "introductions-ideas")
    idea.click()
    expect(page.get_by_label("Introduce")).to_have_value(str(min(bob.pk, carol.pk)))
    expect(page.get_by_label("Why should they meet?")).to_have_value(
        "I think you two should meet: both interested in #edtech; both in Hangzhou."
    )
    page.get_by_label("Why should they meet?").fill(
        "Bob runs the data team at a learning startup; Carol designs for teachers. Talk!"
    )
    screenshot(page, "introductions-introduce")
    page.get_by_role("button", name="Send the introduction").click()
    expect(page.get_by_text("Introduction sent.")).to_be_visible()
    expect(page.locator(".intro-card .badge-warn")).to_have_count(2)
    screenshot(page, "introductions-made-waiting")

    # Bob, in his own browser, says yes; the card updates in place.
    bob_page = new_page()
    log_in(bob_page, bob.email)
    bob_page.goto("/network/introductions/")
    expect(bob_page.locator("#intro-pending .badge")).to_contain_text("1")
    card = bob_page.locator(".intro-card").first
    expect(card).to_contain_text("Alice Chen introduced you to Carol Wang")
    expect(card).to_contain_text("Carol designs for teachers")
    expect(card).to_contain_text("Product designer")
    screenshot(bob_page, "introductions-received")
    card.get_by_role("button", name="Yes, connect us").click()
    expect(bob_page.locator(".intro-card").first).to_contain_text("You said yes")
    expect(bob_page.locator("#intro-pending .badge")).to_have_count(0)
    assert not selectors.are_connected(bob.pk, carol.pk)

    # Carol, in hers, sees Bob already said yes and accepts too.
    carol_page = new_page()
    log_in(carol_page, carol.email)
    carol_page.goto("/network/introductions/")
    card = carol_page.locator(".intro-card").first
    expect(card).to_contain_text("Bob Li already said yes.")
    card.get_by_role("button", name="Yes, connect us").click()
    expect(carol_page.locator(".intro-card").first.locator(".badge-ok")).to_have_text("Connected")
    screenshot(carol_page, "introductions-connected")

    # They are connected, introduced by Alice, and each page says so.
    low, high = selectors.pair(bob.pk, carol.pk)
    assert Connection.objects.get(user_low_id=low, user_high_id=high).introduced_by == alice
    assert Introduction.objects.get().status == Introduction.Status.CONNECTED
    bob_page.goto("/network/introductions/")
    expect(bob_page.locator(".intro-card").first.locator(".badge-ok")).to_have_text("Connected")
    page.goto("/network/introductions/?show=made")
    expect(page.locator(".intro-card .badge-ok")).to_have_count(2)
    screenshot(page, "introductions-made-connected")
    for viewer_page, other in ((bob_page, carol), (carol_page, bob)):
        viewer_page.goto(f"/@{other.username}/")
        expect(viewer_page.get_by_role("heading", name=other.profile.display_name)).to_be_visible()
        expect(viewer_page.locator(".degree-badge")).to_have_text("1st")
    screenshot(bob_page, "introductions-profile-after")


def test_a_not_now_stays_private(page, new_page, log_in, screenshot, cast):
    alice, bob, carol = cast
    made = intro.introduction_create(
        introducer=alice, a_id=bob.pk, b_id=carol.pk, note="You two should talk about edtech."
    )
    bob_page = new_page()
    log_in(bob_page, bob.email)
    bob_page.goto("/network/introductions/")
    bob_page.get_by_role("button", name="Not now").click()
    expect(bob_page.locator(".intro-card").first).to_contain_text("You said not now")
    screenshot(bob_page, "introductions-declined-own")

    carol_page = new_page()
    log_in(carol_page, carol.email)
    carol_page.goto("/network/introductions/")
    card = carol_page.locator(f"#introduction-{made.pk}")
    expect(card).to_contain_text("This introduction didn't go ahead.")
    expect(card.get_by_role("button", name="Yes, connect us")).to_have_count(0)
    assert "declined" not in carol_page.content().lower()
    screenshot(carol_page, "introductions-not-now-other")

    log_in(page, alice.email)
    page.goto("/network/introductions/?show=made")
    expect(page.locator(".intro-card .badge").filter(has_text="Not now")).to_have_count(2)
    assert "declined" not in page.content().lower()
