"""At phone width a member reaches what a page is for on the first screen, and nothing
covers or cuts off what is there."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.community import build_network
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def network(alice, bob):
    return build_network(alice)


@pytest.fixture
def phone(page: Page, log_in, alice, network) -> Page:
    log_in(page, alice.email)
    page.set_viewport_size(PHONE)
    return page


def top_of(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box, f"{locator} is not displayed"
    return box["y"]


def on_first_screen(locator: Locator) -> None:
    expect(locator).to_be_visible()
    top = top_of(locator)
    assert top < PHONE["height"] - 80, f"{locator} starts {top:.0f}px down, below the first screen"


def test_directory_results_come_before_the_filters(phone):
    phone.goto("/members/?skill=Python&city=Shanghai")
    toggle = phone.locator(".directory-filters > summary")
    expect(toggle).to_have_text("Filters (2)")
    expect(phone.locator("#id_skill")).to_be_hidden()
    on_first_screen(phone.locator(".person-card").first)

    toggle.click()
    expect(phone.locator("#id_skill")).to_have_value("Python")
    # Filtering live updates the count on the button too (htmx, out of band).
    phone.get_by_label("City").fill("")
    expect(toggle).to_have_text("Filters (1)")


def test_directory_filters_stay_open_on_desktop(page, network):
    page.goto("/members/")
    expect(page.locator("#id_skill")).to_be_visible()
    expect(page.locator(".directory-filters > summary")).to_be_hidden()


# (path, its h1): pages under the network and settings menus.
MENU_PAGES = [
    ("/network/", "My connections"),
    ("/network/privacy/", "Privacy and blocking"),
    ("/network/introductions/", "Introductions"),
    ("/settings/tokens/", "API tokens"),
    ("/accounts/password/change/", "password"),
]


def test_menus_leave_the_page_its_first_screen(phone):
    for path, heading in MENU_PAGES:
        phone.goto(path)
        on_first_screen(phone.get_by_role("heading", name=heading, level=1))
        menu = phone.locator(".chip-menu")
        height = menu.evaluate("el => el.getBoundingClientRect().height")
        assert height < 60, f"{path}: the menu is {height:.0f}px high, not one row"
        box, item = menu.bounding_box(), menu.locator("[aria-current='page']").bounding_box()
        assert box and item
        assert box["x"] <= item["x"] and item["x"] + item["width"] <= box["x"] + box["width"], (
            f"{path}: the current page's chip is not scrolled into view"
        )


def test_profile_editor_sections_list_is_one_row(phone):
    phone.goto("/profile/edit/")
    jump = phone.get_by_role("navigation", name="Profile sections")
    assert jump.evaluate("el => el.getBoundingClientRect().height") < 60
    on_first_screen(phone.locator(".edit-section").first)


def test_connect_note_pushes_the_next_card_down(phone):
    phone.goto("/@jchen/")
    phone.locator("details.connect-details summary").click()
    form = phone.locator(".connect-form")
    expect(form).to_be_visible()
    head = phone.locator(".profile-head")
    form_box, head_box = form.bounding_box(), head.bounding_box()
    assert form_box and head_box
    assert form_box["y"] + form_box["height"] <= head_box["y"] + head_box["height"], (
        "the note form spills out of the profile card over the next one"
    )
    assert form_box["x"] + form_box["width"] <= PHONE["width"]


def test_token_revoke_is_fully_visible(phone):
    phone.goto("/settings/tokens/")
    revoke = phone.get_by_role("button", name="Revoke “Quarterly reporting script (laptop)”")
    expect(revoke).to_be_visible()
    box = revoke.bounding_box()
    scroller = phone.locator(".table-scroll").bounding_box()
    assert box and scroller
    assert box["x"] + box["width"] <= scroller["x"] + scroller["width"], "Revoke is cut off"
    assert phone.locator(".table-scroll").evaluate("el => el.scrollWidth <= el.clientWidth")


def test_home_puts_what_a_member_acts_on_before_the_newest_members(phone):
    """On a phone the one column is the markup's order: invitations, suggestions and the
    search come before the newest members, who are only to look at."""
    phone.goto("/")
    newest = top_of(phone.get_by_role("heading", name="Newest members"))
    for heading in ("1 invitation waiting for you", "People you may know", "Find people"):
        assert top_of(phone.get_by_role("heading", name=heading)) < newest, heading
    expect(phone.locator(".suggestion-card")).to_have_count(1)


def test_home_keeps_the_newest_members_under_the_welcome_on_desktop(page, log_in, alice, network):
    log_in(page, alice.email)
    page.goto("/")
    welcome = page.locator(".welcome-card").bounding_box()
    newest = page.locator(".home-newest-members").bounding_box()
    aside = page.locator(".home-member > aside").bounding_box()
    assert welcome and newest and aside
    assert newest["x"] == welcome["x"] and newest["x"] + newest["width"] < aside["x"]
    # Straight under the welcome and the invitations, not pushed below a taller aside.
    assert newest["y"] < aside["y"] + aside["height"]
