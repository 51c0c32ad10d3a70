"""Small helpers shared by the accounts tests."""

from __future__ import annotations

import re

from django.core import mail

from tests.factories import PASSWORD

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)")
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")|("X-CSRFToken": ")[^"]+(")')


def signup_data(**overrides) -> dict[str, str]:
    data = {
        "display_name": "Li Wei",
        "email": "liwei@example.com",
        "username": "liwei",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def link_from_outbox(pattern: re.Pattern, to: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            match = pattern.search(message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no matching link mailed to {to}")


def without_csrf(html: str) -> str:
    """Page content with the per-client CSRF tokens blanked, for comparing two answers."""
    return _CSRF_VALUE.sub(lambda m: "".join(g or "" for g in m.groups()), html)


def assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def session_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")
