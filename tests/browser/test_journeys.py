"""End-to-end journeys in a real Chromium: sign up to profile, language, directory."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.community import build_community
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/")
CJK = re.compile(r"[\u4e00-\u9fff]")


def section(page: Page, title: str):
    """One card of the profile editor, found by its heading (an ARIA region)."""
    return page.get_by_role("region", name=title, exact=True)


def save(region) -> None:
    region.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(region.get_by_role("status")).to_contain_text(re.compile("saved", re.I))


def test_sign_up_confirm_edit_profile_and_view_it_as_others(
    page, new_page, outbox, screenshot, log_in, bob
):
    # Sign up.
    page.goto("/")
    page.get_by_role("link", name="Join", exact=True).click()
    page.get_by_label("Your name").fill("Mei Lin")
    page.get_by_label("Email").fill("mei@example.com")
    page.get_by_label("Handle").fill("meilin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your inbox")

    # Confirm through the link in the email (live_server shares the locmem outbox).
    assert len(outbox) == 1
    assert outbox[0].to == ["mei@example.com"]
    link = CONFIRM_LINK.search(outbox[0].body)
    assert link, outbox[0].body
    page.goto(link.group(0))
    page.get_by_role("button", name="Yes, confirm and continue").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    # A first visit is a welcome, not a "welcome back".
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Mei Lin")
    screenshot(page, "journey-welcome-new-member")

    # Edit the profile, one section at a time.
    page.goto("/profile/edit/")
    basics = section(page, "Name and headline")
    basics.get_by_label("Headline").fill("Product designer, ex-Tencent")
    save(basics)

    about = section(page, "About")
    about.get_by_label("About").fill("I design **calm** tools for busy teams.")
    about.get_by_label("Who can see this").select_option(label="Public")
    save(about)

    location = section(page, "Location")
    location.get_by_label("City").fill("Shenzhen")
    location.get_by_label("Country").fill("China")
    location.get_by_label("Who can see this").select_option(label="Members")
    save(location)

    work = section(page, "Current work")
    work.get_by_label("Company").fill("Tencent")
    work.get_by_label("Position").fill("Senior designer")
    save(work)

    skills = section(page, "Skills")
    skills.get_by_label("Skills").fill("Figma, 用户研究, Design systems")
    skills.get_by_label("Who can see this").select_option(label="Members")
    save(skills)

    open_to = section(page, "Open to")
    open_to.get_by_label("Mentoring others").check()
    open_to.get_by_label("Collaborations").check()
    save(open_to)
    screenshot(page, "journey-profile-edit")

    # The member's own view.
    page.goto("/@meilin/")
    expect(page.get_by_role("heading", name="Mei Lin", level=1)).to_be_visible()
    main = page.locator("main")
    for text in ("Product designer, ex-Tencent", "calm", "Shenzhen", "Tencent", "用户研究"):
        expect(main).to_contain_text(text)
    expect(main.locator("strong", has_text="calm")).to_be_visible()  # Markdown rendered
    screenshot(page, "journey-profile-own")

    # Another member sees the members-only sections.
    bobs_page = new_page()
    log_in(bobs_page, bob.email)
    bobs_page.goto("/@meilin/")
    bob_main = bobs_page.locator("main")
    for text in ("Product designer, ex-Tencent", "calm", "Shenzhen", "Figma", "用户研究"):
        expect(bob_main).to_contain_text(text)
    expect(bob_main.get_by_role("button", name="Edit profile")).to_have_count(0)
    screenshot(bobs_page, "journey-profile-as-member")

    # An anonymous visitor sees only the public parts.
    anonymous = new_page()
    anonymous.goto("/@meilin/")
    anon_main = anonymous.locator("main")
    expect(anon_main).to_contain_text("Product designer, ex-Tencent")
    expect(anon_main).to_contain_text("calm")
    for hidden in ("Shenzhen", "Figma", "用户研究"):
        expect(anon_main).not_to_contain_text(hidden)
    screenshot(anonymous, "journey-profile-anonymous")


def test_language_switch_to_chinese(page, screenshot):
    page.goto("/accounts/signup/")
    page.get_by_role("contentinfo").get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    # A message from Django's own catalogue: submit the empty form past the browser's
    # required-field check so the server answers.
    page.locator("main form").first.evaluate("form => { form.noValidate = true; }")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("这个字段是必填项。")
    screenshot(page, "signup-chinese")

    # Our own strings, from the zh_Hans catalogue; the choice stays for the next page.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    with translation.override("zh-hans"):
        members = translation.gettext("Members")
    if members == "Members":
        pytest.xfail("the zh_Hans catalogue does not translate the navigation yet")
    nav = page.get_by_role("navigation")
    expect(nav.first.get_by_role("link", name=members, exact=True)).to_be_visible()
    assert CJK.search(nav.first.inner_text())
    screenshot(page, "home-chinese")

    page.get_by_role("contentinfo").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_directory_filter_by_skill(page, screenshot, log_in, bob):
    build_community()
    log_in(page, bob.email)
    page.goto("/members/")
    page.get_by_role("textbox", name="Skill", exact=True).fill("数据分析")
    page.get_by_role("button", name="Show members").click()
    expect(page).to_have_url(re.compile(r"skill="))
    results = page.locator("main")
    expect(results).to_contain_text("Li Wei")
    expect(results).to_contain_text("James Chen")
    expect(results).not_to_contain_text("Sofia Rossi")
    expect(results).not_to_contain_text("Tanaka Yui")
    screenshot(page, "directory-filtered")
