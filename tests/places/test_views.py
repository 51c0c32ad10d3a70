"""GET /places/suggest/: datalist options for the city fields."""

from __future__ import annotations

import pytest

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
