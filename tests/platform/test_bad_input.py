"""Input no field can hold gets a clear 400/422 from one guard, on SQLite and PostgreSQL.

Each case here answered 500 on at least one of the databases before the guard
(core.input_guard); the PostgreSQL + Redis run of the suite covers the other database.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from guanxi.accounts.models import AccessToken
from guanxi.accounts.services import access_token_create
from tests.accounts.helpers import assert_api_error

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def api(alice) -> Client:
    raw = access_token_create(user=alice, name="cli")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post_json(client: Client, path: str, text: str):
    return client.post(path, text, content_type="application/json")


def _field_error(response, field: str, message: str) -> None:
    error = assert_api_error(response, 422, "invalid")
    assert any(message in text for text in error["fields"][field]), error


# --- null characters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/profiles/a%00b"),
        ("get", "/network/members/a%00b/relationship"),
        ("put", "/network/following/a%00b"),
        ("delete", "/network/blocks/a%00b"),
        ("get", "/network/tags/a%00b/members"),
    ],
)
def test_null_character_in_an_api_path_is_a_400(api, method, path):
    assert_api_error(getattr(api, method)(API + path), 400, "bad_request")


def test_null_character_in_a_page_path_is_a_400_page_even_anonymously(client):
    response = client.get("/@a%00b/")
    assert response.status_code == 400
    assert 'class="site-header"' in response.content.decode()
    assert_api_error(client.get(f"{API}/profiles/a%00b"), 400, "bad_request")


def test_null_character_in_a_json_string_is_a_field_error(api, alice):
    _field_error(_post_json(api, f"{API}/tokens", '{"name": "a\\u0000b"}'), "name", "Null")
    assert AccessToken.objects.filter(user=alice).count() == 1  # only the fixture's
    nested = _post_json(
        api, f"{API}/network/invitations", '{"member_id": 1, "message": "hi\\u0000"}'
    )
    _field_error(nested, "message", "Null")


def test_null_character_in_a_query_string_is_a_field_error(api, alice_client):
    _field_error(api.get(f"{API}/members?q=a%00b"), "q", "Null")
    page = alice_client.get("/members/?city=a%00b")
    assert page.status_code == 422
    assert "Null characters are not allowed" in page.content.decode()


def test_null_character_in_a_form_field_is_refused(alice_client, alice):
    urlencoded = alice_client.post(
        "/settings/tokens/", "name=laptop%00", content_type="application/x-www-form-urlencoded"
    )
    assert urlencoded.status_code == 422
    # Multipart parts are left to the forms, which refuse null characters themselves.
    multipart = alice_client.post("/settings/tokens/", {"name": "laptop\x00"})
    assert multipart.status_code == 200
    assert "Null characters are not allowed" in multipart.content.decode()
    assert not AccessToken.objects.filter(user=alice).exists()


def test_null_character_in_a_cookie_is_a_400(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert client.get("/").status_code == 400


# --- text that is not Unicode -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "\\ud800"}', "name"),
        ('{"name": "ok \\udfff then"}', "name"),
        ('{"name": "x", "\\ud800": 1}', "__all__"),
    ],
)
def test_lone_surrogate_in_json_is_a_field_error(api, alice, body, field):
    _field_error(_post_json(api, f"{API}/tokens", body), field, "lone surrogate")
    assert AccessToken.objects.filter(user=alice).count() == 1


def test_a_surrogate_pair_is_fine(api):
    response = _post_json(api, f"{API}/tokens", '{"name": "laptop \\ud83d\\ude00"}')
    assert response.status_code == 201
    assert response.json()["name"] == "laptop \U0001f600"


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [2**63, 2**64, -(2**63) - 1, 10**30])
def test_integer_beyond_64_bits_in_an_id_list_is_a_field_error(api, number):
    response = _post_json(api, f"{API}/notifications/read", json.dumps({"ids": [1, number]}))
    _field_error(response, "ids.1", "2^63")


def test_largest_64_bit_integer_is_accepted(api):
    response = _post_json(api, f"{API}/notifications/read", json.dumps({"ids": [2**63 - 1]}))
    assert response.status_code == 200 and response.json() == {"marked": 0}


@pytest.mark.parametrize("body", ['{"ids": [NaN]}', '{"ids": [Infinity]}', '{"x": 1e999}'])
def test_non_finite_numbers_are_refused(api, body):
    response = _post_json(api, f"{API}/notifications/read", body)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] in ("bad_request", "invalid")


def test_deeply_nested_json_is_a_400(api):
    body = "[" * 100_000 + "]" * 100_000
    assert_api_error(_post_json(api, f"{API}/notifications/read", body), 400, "bad_request")


def test_json_that_does_not_parse_is_still_answered_by_the_api(api):
    error = assert_api_error(_post_json(api, f"{API}/tokens", '{"name": '), 400, "bad_request")
    assert "not valid JSON" in error["message"]


# --- multipart framing --------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 300,  # longer than RFC 2046 allows
    ],
)
def test_multipart_without_a_valid_boundary_is_a_400(api, alice_client, content_type):
    body = b"--x\r\nContent-Disposition: form-data; name=photo\r\n\r\nx\r\n--x--\r\n"
    response = api.post(f"{API}/me/profile/photo", body, content_type=content_type)
    assert_api_error(response, 400, "bad_request")
    page = alice_client.post("/settings/tokens/", body, content_type=content_type)
    assert page.status_code == 400
    assert "boundary" in page.content.decode()
