"""The "check your inbox" pages say where mail goes when the site prints it instead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.helpers import signup_data

pytestmark = pytest.mark.django_db

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
NOTE = "This site prints its emails to the terminal it runs in"
PAGES = ("account_email_verification_sent", "account_reset_password_done")


@pytest.mark.parametrize("name", PAGES)
def test_console_mail_is_pointed_at_the_terminal(client, settings, name):
    settings.EMAIL_BACKEND = CONSOLE
    html = client.get(reverse(name)).content.decode()
    assert "Check your inbox" in html and NOTE in html


@pytest.mark.parametrize("name", PAGES)
def test_real_mail_needs_no_note(client, settings, name):
    settings.EMAIL_BACKEND = SMTP
    html = client.get(reverse(name)).content.decode()
    assert "Check your inbox" in html and NOTE not in html


def test_the_note_is_translated(client, settings):
    settings.EMAIL_BACKEND = CONSOLE
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "打印在运行它的终端里" in html


def test_signing_up_lands_on_the_note(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    landed = client.post(reverse("account_signup"), signup_data(), follow=True)
    assert "Check your inbox" in landed.content.decode()
    assert NOTE not in landed.content.decode()  # mail really went somewhere
