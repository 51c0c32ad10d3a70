"""axe-core over every main page: signed out and signed in, English and Chinese, desktop and
phone width. Any serious or critical violation (and any skipped heading level) fails,
named by page, rule and element; so does a page that scrolls sideways.

Adding a page to the scan is one line in SIGNED_OUT or SIGNED_IN. Each role logs in once;
every page is loaded once per language and scanned at both widths. A phone screenshot of
every scanned page goes to test-output/screenshots/a11y/.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import Finding, axe_findings
from tests.browser.community import build_network
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, WIDEST_ELEMENTS

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "zh-hans")

# (name, path): what a visitor reaches without an account.
SIGNED_OUT = [
    ("home", "/"),
    ("directory", "/members/"),
    ("profile", "/@alice/"),
    ("tag", "/network/tags/python/"),
    ("login", "/accounts/login/"),
    ("signup", "/accounts/signup/"),
    ("password-reset", "/accounts/password/reset/"),
    ("unsubscribe-bad-link", "/notifications/unsubscribe/not-a-token/"),
    ("not-found", "/no-such-page/"),
]

# (name, path): what Alice reaches once signed in.
SIGNED_IN = [
    ("home", "/"),
    ("directory", "/members/?skill=Python&city=Shanghai"),
    ("profile-own", "/@alice/"),
    ("profile-connected", "/@weili/"),
    ("profile-stranger", "/@jchen/"),
    ("profile-edit", "/profile/edit/"),
    ("connections", "/network/"),
    ("member-connections", "/network/members/weili/connections/"),
    ("invitations", "/network/invitations/"),
    ("invitations-sent", "/network/invitations/sent/"),
    ("followers", "/network/followers/"),
    ("following", "/network/following/"),
    ("suggestions", "/network/suggestions/"),
    ("shared-interests", "/network/shared/"),
    ("tag", "/network/tags/python/"),
    ("introductions", "/network/introductions/"),
    ("introductions-made", "/network/introductions/?show=made"),
    ("introduction-ideas", "/network/introductions/ideas/"),
    ("introduce", "/network/introduce/"),
    ("network-privacy", "/network/privacy/"),
    ("notifications", "/notifications/"),
    ("settings", "/settings/"),
    ("settings-email", "/accounts/email/"),
    ("settings-password", "/accounts/password/change/"),
    ("settings-tokens", "/settings/tokens/"),
    ("settings-notifications", "/notifications/settings/"),
    ("settings-delete", "/settings/delete/"),
    ("not-found", "/no-such-page/"),
]


def scan(page: Page, pages: list[tuple[str, str]], role: str) -> list[str]:
    """Load each page in each language, scan it at desktop then phone width."""
    problems: list[str] = []
    shots = SCREENSHOTS / "a11y"
    shots.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        # A cookie's path comes from the url given: the site root, or it sticks to one page.
        root = urljoin(page.url, "/")
        page.context.add_cookies([{"name": "django_language", "value": language, "url": root}])
        for name, path in pages:
            # Loaded at phone width, as a phone would, so the screenshot shows what it sees.
            page.set_viewport_size(PHONE)
            page.goto(path)  # waits for "load": deferred scripts have run
            if not page.evaluate("document.documentElement.lang").lower().startswith(language):
                problems.append(f"{role} {name} {path}: not served in {language}")
            for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
                page.set_viewport_size(size)
                where = f"{role} {name} [{language}, {label}] {path}"
                problems += [str(finding) for finding in axe_findings(page, where)]
                if page.evaluate(
                    "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
                ):
                    problems.append(f"{where}: scrolls sideways: {page.evaluate(WIDEST_ELEMENTS)}")
                if label == "phone":
                    page.screenshot(
                        path=shots / f"{role}-{name}-{language}-phone.png", full_page=True
                    )
    return problems


def report(problems: list[str]) -> str:
    return f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


@pytest.fixture
def network(alice, bob):
    return build_network(alice)


def test_pages_signed_out_pass_axe(page, network):
    page.goto("/")
    problems = scan(page, SIGNED_OUT, "visitor")
    assert not problems, report(problems)


def test_pages_signed_in_pass_axe(page, log_in, alice, network):
    log_in(page, alice.email)
    problems = scan(page, SIGNED_IN, "member")
    assert not problems, report(problems)


def test_report_names_rule_impact_and_elements():
    finding = Finding(
        where="member home [en, phone] /",
        rule="color-contrast",
        impact="serious",
        help="Elements must meet minimum color contrast ratio thresholds",
        targets=tuple(f".item-{n}" for n in range(6)),
    )
    assert str(finding) == (
        "member home [en, phone] /: color-contrast (serious) Elements must meet minimum "
        "color contrast ratio thresholds — .item-0, .item-1, .item-2, .item-3 …"
    )


def test_axe_catches_a_real_violation(page):
    # The scan is only worth something if axe runs and its findings reach the report.
    page.goto("/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.id = 'no-alt';"
        " img.src = '/static/guanxi/favicon.svg'; document.querySelector('main').append(img); }"
    )
    findings = axe_findings(page, "home")
    assert any(f.rule == "image-alt" and "#no-alt" in f.targets for f in findings), findings
    expect(page.locator("#no-alt")).to_have_count(1)


def test_notifications_link_is_named_by_what_it_shows(page, log_in, alice, network):
    # WCAG 2.5.3: a voice-control user says what they see ("click Notifications 3").
    log_in(page, alice.email)
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications")
    shown = link.evaluate(
        "el => [...el.childNodes].filter((n) => !n.classList?.contains('visually-hidden'))"
        ".map((n) => n.textContent).join('').trim()"
    )
    assert shown == "Notifications 3"
    expect(link).to_have_accessible_name("Notifications 3 unread")
    assert link.get_attribute("aria-label") is None


def test_escape_closes_the_connect_panel_and_returns_focus(page, log_in, alice, network):
    log_in(page, alice.email)
    page.goto("/@jchen/")
    panel = page.locator("details.connect-details")
    trigger = panel.locator("summary")
    trigger.click()
    note = page.get_by_label("Add a note (optional)")
    note.fill("Hello")
    expect(panel).to_have_attribute("open", "")
    findings = axe_findings(page, "profile with the Connect panel open")
    assert not findings, report([str(finding) for finding in findings])
    page.keyboard.press("Escape")
    expect(panel).not_to_have_attribute("open", "")
    expect(trigger).to_be_focused()

    # Opened from the keyboard, Escape on the trigger closes it too; so does a click outside.
    page.keyboard.press("Enter")
    expect(note).to_be_visible()
    page.keyboard.press("Escape")
    expect(note).to_be_hidden()
    expect(trigger).to_be_focused()
    trigger.click()
    page.get_by_role("heading", name="James Chen").click()
    expect(note).to_be_hidden()

    page.locator("details.more-menu summary").click()
    expect(page.get_by_role("button", name="Block James Chen")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Block James Chen")).to_be_hidden()
    expect(page.locator("details.more-menu summary")).to_be_focused()
