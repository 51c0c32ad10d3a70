"""What a newcomer meets first, in a real browser: the login page, the greeting, the email
settings, a tag nobody else shows, and a page that does not exist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from guanxi.accounts.models import ProfileTag, Tag, User

pytestmark = pytest.mark.browser


def test_first_pages_speak_in_the_sites_voice(page, screenshot, log_in, alice):
    User.objects.filter(pk=alice.pk).update(date_joined=timezone.now() - timedelta(days=40))
    guqin = Tag.objects.create(name="Guqin", key="guqin")
    ProfileTag.objects.create(profile=alice.profile, tag=guqin, kind=ProfileTag.Kind.INTEREST)

    page.goto("/accounts/login/")
    expect(page.get_by_label("Keep me logged in")).to_be_visible()
    expect(page.get_by_text("Remember Me")).to_have_count(0)
    screenshot(page, "login")

    log_in(page, alice.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Alice Chen")
    expect(page.get_by_text("Successfully signed in")).to_have_count(0)

    page.goto("/accounts/email/")
    expect(page.get_by_text("This is your only address, so it stays.")).to_be_visible()
    for action in ("Make primary", "Remove", "Send the confirmation again"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)
    screenshot(page, "settings-email-only-address")

    EmailAddress.objects.create(user=alice, email="alice.work@example.com", verified=True)
    EmailAddress.objects.create(user=alice, email="alice.new@example.com", verified=False)
    page.reload()
    expect(page.get_by_role("button", name="Make primary")).to_have_count(1)
    expect(page.get_by_role("button", name="Remove")).to_have_count(2)
    expect(page.get_by_role("button", name="Send the confirmation again")).to_have_count(1)
    screenshot(page, "settings-email-three-addresses")

    page.goto("/network/tags/guqin/")
    expect(page.get_by_text("So far you are the only member showing #Guqin.")).to_be_visible()
    expect(page.get_by_text("0 members")).to_have_count(0)
    screenshot(page, "tag-only-you")

    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("URLconf")).to_have_count(0)
    screenshot(page, "error-404")
