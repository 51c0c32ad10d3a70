"""Browser tests: pytest-playwright driving the system Chromium against live_server.

`python3 run.py test` finds (or installs) Chromium and exports GUANXI_CHROMIUM.
Screenshots of the main pages go to test-output/screenshots/<name>-desktop.png and
<name>-phone.png; look at them after a run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

# live_server runs in a thread of this process and Playwright's sync API runs an event
# loop here, so Django's async-safety guard would refuse the ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.core import mail  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page  # noqa: E402

from tests.factories import PASSWORD  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("GUANXI_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.fail(
            f"Chromium not found at {path}. Run the tests with `python3 run.py test` (it "
            "installs Debian's chromium when it can), install it yourself (`apt-get install "
            "chromium`), or set GUANXI_CHROMIUM to a Chromium or Chrome binary.",
            pytrace=False,
        )
    return path


def pytest_configure(config):
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")
    # pytest-base-url (a pytest-playwright dependency) trips a pytest 9 deprecation.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # One xdist group: a single worker drives the browser while the others run the rest
    # of the suite, instead of every worker starting its own Chromium.
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": DESKTOP,
        "locale": "en-US",
    }


class ConsoleWatch:
    """Collects what the browser complains about: CSP violations, script errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        return page

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" and (
            "Content Security Policy" in text or "Refused to" in text or "Uncaught" in text
        ):
            self.problems.append(text)


@pytest.fixture
def console_watch() -> Iterator[ConsoleWatch]:
    watch = ConsoleWatch()
    yield watch
    assert watch.problems == [], "the browser reported problems"


@pytest.fixture
def page(context: BrowserContext, console_watch: ConsoleWatch) -> Page:
    return console_watch.attach(context.new_page())


@pytest.fixture
def new_page(
    browser: Browser, browser_context_args: dict, console_watch: ConsoleWatch
) -> Iterator[Callable[..., Page]]:
    """new_page(**context_args): a page in a fresh context (another visitor)."""
    contexts: list[BrowserContext] = []

    def make(**overrides) -> Page:
        context = browser.new_context(**{**browser_context_args, **overrides})
        contexts.append(context)
        return console_watch.attach(context.new_page())

    yield make
    for context in contexts:
        context.close()


# The innermost elements that stick out past the right edge of the viewport.
WIDEST_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > width + 1 &&
      ![...el.children].some((child) => child.getBoundingClientRect().right > width + 1));
  return out.slice(0, 5).map((el) => {
    const classes = el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${classes} (${Math.round(el.getBoundingClientRect().right)}px)`;
  });
}"""


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")


@pytest.fixture
def screenshot() -> Iterator[Callable[[Page, str], None]]:
    """screenshot(page, name): save the page at desktop and phone width (full length).

    A page that scrolls sideways fails the test, after every screenshot is taken.
    """
    problems: list[str] = []

    def take(page: Page, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size or DESKTOP
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=SCREENSHOTS / f"{_slug(name)}-{label}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                culprits = page.evaluate(WIDEST_ELEMENTS)
                problems.append(
                    f"{name} scrolls sideways at {label} width ({overflow}px): {culprits}"
                )
        page.set_viewport_size(original)

    yield take
    assert problems == []


@pytest.fixture
def log_in() -> Callable[[Page, str], None]:
    """log_in(page, email): log in through the real form."""

    def go(page: Page, email: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url, "login failed"

    return go


@pytest.fixture
def outbox() -> list:
    """The locmem outbox that live_server's thread sends to."""
    return mail.outbox
