"""GET /places/suggest/: datalist options for the city fields."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_member

pytestmark = pytest.mark.usefixtures("gazetteer", "db")

URL = "/places/suggest/"


def test_options_in_the_visitors_language_with_the_other_name(client):
    page = client.get(URL, {"city": "shangh"}).content.decode()
    assert page.startswith('<option value="Shanghai">上海, CN</option>')
    page = client.get(URL, {"q": "上海"}, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert page.startswith('<option value="上海">Shanghai, CN</option>')
    page = client.get(URL, {"location": "new yo"}).content.decode()
    assert '<option value="New York City">纽约, US</option>' in page


@pytest.mark.parametrize("params", [{}, {"city": ""}, {"city": "s"}, {"city": "zzzzqqq"}])
def test_nothing_to_suggest_is_an_empty_answer(client, params):
    response = client.get(URL, params)
    assert response.status_code == 200 and response.content.strip() == b""


@pytest.mark.parametrize("value", ["x" * 5000, "%ED%A0%80", "%FF"])
def test_odd_input_never_fails(client, value):
    # Percent-encoded values are raw bytes that are not UTF-8 (a lone surrogate, 0xFF).
    response = (
        client.get(f"{URL}?city={value}") if "%" in value else client.get(URL, {"city": value})
    )
    assert response.status_code == 200


def test_a_null_character_is_refused_before_the_gazetteer(client):
    # core.input_guard answers it for every page, with the field it was in.
    response = client.get(URL, {"city": "a\x00b"})
    assert response.status_code == 422 and b"city" in response.content


def test_only_get(client):
    assert client.post(URL, {"city": "shang"}).status_code == 405


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_budget_per_member_or_address_then_a_429_with_retry_after(
    client, settings, signed_in, alice
):
    settings.GUANXI_PLACE_SUGGESTIONS_PER_MINUTE = 3
    if signed_in:
        client.force_login(alice)
    for _ in range(3):
        assert client.get(URL, {"city": "shangh"}).status_code == 200
    for headers in ({}, {"HX-Request": "true"}):  # htmx too: it leaves the list unswapped
        refused = client.get(URL, {"city": "shangh"}, headers=headers)
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert "Too many place suggestions" in refused.content.decode()
        assert "<option" not in refused.content.decode()
    # Another address (signed out), or another member, has a budget of its own.
    other = Client(REMOTE_ADDR="192.0.2.7")
    if signed_in:
        other.force_login(make_member("frank"))
    assert other.get(URL, {"city": "shangh"}).status_code == 200


def test_signed_in_members_do_not_share_their_address_budget(client, settings, alice):
    settings.GUANXI_PLACE_SUGGESTIONS_PER_MINUTE = 2
    for _ in range(2):
        assert client.get(URL, {"city": "shangh"}).status_code == 200
    assert client.get(URL, {"city": "shangh"}).status_code == 429
    client.force_login(alice)  # the same address, now signed in: the member's own budget
    assert client.get(URL, {"city": "shangh"}).status_code == 200
