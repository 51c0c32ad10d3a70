"""The harness itself: the console watch really sees CSP violations."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ConsoleWatch

pytestmark = pytest.mark.browser


def test_console_watch_reports_a_blocked_inline_script(context):
    watch = ConsoleWatch()
    page = watch.attach(context.new_page())
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === undefined")  # the policy blocked it
    assert any("Content Security Policy" in problem for problem in watch.problems)
