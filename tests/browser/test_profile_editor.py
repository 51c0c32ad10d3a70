"""The profile editor keeps what was typed; places in two languages in the directory."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.community import build_community
from tests.factories import fill_profile, make_member

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("gazetteer")]


def section(page: Page, title: str):
    return page.get_by_role("region", name=title, exact=True)


def watch_dialogs(page: Page) -> list[str]:
    """Dismiss every dialog (so the page stays), noting its kind."""
    seen: list[str] = []

    def dismiss(dialog) -> None:
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return seen


def blur(page: Page) -> None:
    """Leave no text field focused: Playwright hides the caret for a screenshot with an
    injected style, which the site's CSP (rightly) refuses."""
    page.evaluate("document.activeElement && document.activeElement.blur()")


def test_typed_text_survives_saving_another_card_and_leaving_asks_first(
    page, log_in, alice, screenshot
):
    log_in(page, alice.email)
    page.goto("/profile/edit/")
    dialogs = watch_dialogs(page)

    about = section(page, "About")
    text = about.get_by_role("textbox", name="About")
    text.click()
    page.keyboard.type(" Draft: a paragraph I have not saved.")
    expect(about.get_by_text("Not saved yet")).to_be_visible()

    # Save another card: it is saved in place, and the About text stays as typed.
    location = section(page, "Location")
    city = location.get_by_role("combobox", name="City")
    city.fill("")
    city.press_sequentially("上海")
    # The city field offers known places while typing.
    expect(page.locator("#id_location_city-places option").first).to_have_attribute(
        "value", "Shanghai"
    )
    location.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(location.get_by_role("status")).to_contain_text("saved")
    expect(text).to_have_value(re.compile(r"Draft: a paragraph I have not saved\.$"))
    expect(about.get_by_text("Not saved yet")).to_be_visible()
    expect(location.get_by_text("Not saved yet")).to_be_hidden()
    blur(page)
    screenshot(page, "profile-editor-unsaved")

    # Leaving the page with the unsaved text asks first; staying keeps it.
    page.get_by_role("link", name="View profile").click()
    page.wait_for_timeout(500)  # the dialog handler runs on the event loop
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/profile/edit/")
    expect(text).to_have_value(re.compile(r"Draft: a paragraph I have not saved\.$"))

    # Once it is saved, leaving does not ask.
    about.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(about.get_by_role("status")).to_contain_text("saved")
    page.get_by_role("link", name="View profile").click()
    page.wait_for_url(re.compile(r"/@alice/$"))
    assert dialogs == ["beforeunload"]
    # The city was typed in Chinese; an English page shows the place's English name.
    expect(page.get_by_role("main")).to_contain_text("Shanghai")
    expect(page.get_by_role("main")).to_contain_text("a paragraph I have not saved")


def test_a_refused_photo_says_why_in_place_and_keeps_other_cards(page, log_in, alice):
    log_in(page, alice.email)
    page.goto("/profile/edit/")
    headline = section(page, "Name and headline").get_by_role("textbox", name="Headline")
    headline.fill("Typed but not saved")
    photo = section(page, "Photo")
    photo.get_by_label("Upload a photo").set_input_files(
        files=[{"name": "cat.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"}]
    )
    photo.get_by_role("button", name="Upload photo").click()
    expect(photo).to_contain_text("not an image we can read")
    expect(headline).to_have_value("Typed but not saved")  # no page reload


def test_directory_finds_a_city_in_either_language(page, new_page, log_in, bob, screenshot):
    build_community()
    writer = make_member("wangfang", display_name="王芳")
    fill_profile(writer, headline="数据科学家", city="上海", skills=["数据分析"])
    log_in(page, bob.email)
    page.goto("/members/")
    page.get_by_role("combobox", name="City").fill("上海")
    page.get_by_role("button", name="Show members").click()
    expect(page).to_have_url(re.compile(r"city=%E4%B8%8A%E6%B5%B7"))
    expect(page.locator("#results")).to_contain_text("2 members")
    results = page.locator("#results")
    expect(results).to_contain_text("Li Wei")  # wrote "Shanghai"
    expect(results).to_contain_text("王芳")  # wrote "上海"
    expect(results).not_to_contain_text("张敏")  # Beijing
    # An English page names the place in English, whoever wrote it how.
    wang = results.locator(".person-card").filter(has_text="王芳")
    expect(wang).to_contain_text("Shanghai")
    expect(wang).not_to_contain_text("上海")
    blur(page)
    screenshot(page, "directory-city-either-language")

    chinese = new_page()
    log_in(chinese, bob.email)
    chinese.get_by_role("contentinfo").get_by_role("button", name="简体中文").click()
    expect(chinese.locator("html")).to_have_attribute("lang", "zh-Hans")
    chinese.goto("/members/?city=Shanghai")
    results = chinese.locator("#results")
    expect(results).to_contain_text("王芳")
    li_wei = results.locator(".person-card").filter(has_text="Li Wei")  # wrote "Shanghai"
    expect(li_wei).to_contain_text("上海")
    expect(li_wei).not_to_contain_text("Shanghai")
    screenshot(chinese, "directory-city-chinese-viewer")
