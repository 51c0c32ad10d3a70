"""The README names a demo member to log in as: after `guanxi demo` that member exists,
the documented password works, and `guanxi serve` suggests the same login."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from guanxi.accounts.models import User
from guanxi.demo.seeding import DEMO_PASSWORD, demo_login
from guanxi.network.selectors import connections_queryset
from tests.platform.conftest import REPO

pytestmark = pytest.mark.django_db


def test_the_readme_demo_member_exists_and_can_log_in(client):
    readme = (REPO / "README.md").read_text()
    named = re.search(r"\(`@(\w+)`\): email `([^`]+)`,\s+password `([^`]+)`", readme)
    assert named, "the README no longer names a demo member to log in as"
    handle, email, password = named.groups()
    assert password == DEMO_PASSWORD

    call_command("demo", "--members", "20", stdout=io.StringIO())

    member = User.objects.get(username=handle)
    assert member.is_demo and member.email == email
    assert connections_queryset(member.pk).exists()  # someone to see once logged in
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    assert client.get("/").context["user"] == member
    login = demo_login()
    assert (login.email, login.handle, login.password) == (email, handle, password)


def test_no_demo_login_without_demo_members(alice):
    assert demo_login() is None
