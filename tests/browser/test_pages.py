"""Screenshots of the main pages at desktop and phone width, each checked for basics."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.community import build_alice, build_community

pytestmark = pytest.mark.browser


@pytest.fixture
def community(alice, bob):
    build_alice(alice)
    return build_community()


def test_anonymous_pages(page, screenshot, community):
    page.goto("/")
    expect(page.get_by_role("link", name="Join", exact=True)).to_be_visible()
    screenshot(page, "home-anonymous")

    page.goto("/accounts/signup/")
    expect(page.get_by_label("Handle")).to_be_visible()
    screenshot(page, "signup")

    page.goto("/accounts/login/")
    expect(page.get_by_label("Email")).to_be_visible()
    screenshot(page, "login")

    page.goto("/@alice/")
    expect(page.get_by_role("heading", name="Alice Chen")).to_be_visible()
    screenshot(page, "profile-anonymous")

    page.goto("/members/")
    screenshot(page, "directory-anonymous")

    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    screenshot(page, "not-found")


def test_member_pages(page, screenshot, log_in, community, alice):
    log_in(page, alice.email)
    page.goto("/")
    screenshot(page, "home-member")

    page.goto("/@alice/")
    expect(page.get_by_role("heading", name="Alice Chen")).to_be_visible()
    screenshot(page, "profile-own")

    page.goto("/@weili/")
    expect(page.get_by_role("heading", name="Li Wei")).to_be_visible()
    screenshot(page, "profile-other")

    page.goto("/profile/edit/")
    screenshot(page, "profile-edit")

    page.goto("/members/")
    screenshot(page, "directory")

    page.goto("/settings/")
    screenshot(page, "settings")

    page.goto("/settings/tokens/")
    screenshot(page, "tokens")


def test_api_docs_render_under_the_content_security_policy(page, screenshot):
    # console_watch fails the test on any CSP violation or script error.
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Guanxi API")
    expect(page.get_by_text("/api/v1/me", exact=True).first).to_be_visible()
    screenshot(page, "api-docs")


def test_admin_works_under_the_content_security_policy(page, log_in, django_user_model):
    from tests.factories import make_member

    admin = make_member("admin_ops", display_name="Site admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    log_in(page, admin.email)
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/admin/accounts/user/")
    expect(page.get_by_role("link", name="admin_ops")).to_be_visible()


def test_password_page_offers_to_revoke_api_tokens(page, screenshot, log_in, alice):
    from guanxi.accounts.selectors import tokens_for_user
    from guanxi.accounts.services import access_token_create

    access_token_create(user=alice, name="cli")
    access_token_create(user=alice, name="laptop")
    log_in(page, alice.email)
    page.goto("/accounts/password/change/")
    expect(page.get_by_text("They keep working after a password change")).to_be_visible()
    expect(page.get_by_label("Also revoke all my API tokens")).to_be_visible()
    screenshot(page, "password-change-with-tokens")

    page.get_by_role("button", name="Revoke all 2 API tokens now").click()
    expect(page.get_by_text("Revoked all 2 of your API tokens")).to_be_visible()
    expect(page.get_by_text("You have no API tokens")).to_be_visible()
    screenshot(page, "password-change-tokens-revoked")
    assert not tokens_for_user(user=alice).exists()
