"""Logging in and out speaks in the site's voice, not the login library's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_offers_to_keep_you_logged_in(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Keep me logged in" in html and "Remember Me" not in html


def test_login_page_in_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("account_login")).content.decode()
    assert "保持登录" in html and "Remember" not in html


def test_logging_in_and_out_says_nothing_in_the_library_voice(client, alice):
    landed = client.post(
        reverse("account_login"), {"login": alice.email, "password": PASSWORD}, follow=True
    )
    html = landed.content.decode()
    assert "Successfully signed in" not in html
    assert not list(landed.context["messages"])  # the home page greets them instead
    assert "Welcome" in html and "Alice Chen" in html

    left = client.post(reverse("account_logout"), follow=True)
    assert [str(m) for m in left.context["messages"]] == ["You are logged out. See you soon."]
    assert "signed out" not in left.content.decode()
