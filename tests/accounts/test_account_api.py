"""The account API: /me and /tokens, token and session auth, and their errors."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from guanxi.accounts.models import AccessToken, Profile
from guanxi.accounts.services import access_token_create, access_token_revoke, account_delete
from guanxi.accounts.tokens import CREATE_RATE_LIMIT, MAX_TOKENS_PER_USER
from guanxi.api.auth import FAILED_TOKEN_LIMIT
from tests.accounts.helpers import assert_api_error
from tests.factories import make_member

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def alice_token(alice) -> str:
    return access_token_create(user=alice, name="cli")[1]


# --- /me ------------------------------------------------------------------------


def test_me_with_a_token(client, alice, alice_token):
    response = client.get(f"{API}/me", **bearer(alice_token))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": alice.pk,
        "handle": "alice",
        "email": "alice@example.com",
        "display_name": "Alice Chen",
        "date_joined": body["date_joined"],
        "email_verified": True,
    }
    assert body["date_joined"].startswith(str(alice.date_joined.year))
    token = AccessToken.objects.get(user=alice)
    assert token.last_used_at is not None and token.last_used_at <= timezone.now()


def test_me_with_the_session(alice_client):
    assert alice_client.get(f"{API}/me").json()["handle"] == "alice"


def test_me_reports_unverified_email(client):
    member = make_member("newbie", verified=False)
    raw = access_token_create(user=member, name="x")[1]
    assert client.get(f"{API}/me", **bearer(raw)).json()["email_verified"] is False


def test_me_without_a_profile_falls_back_to_the_handle(client, alice, alice_token):
    Profile.objects.filter(user=alice).delete()
    assert client.get(f"{API}/me", **bearer(alice_token)).json()["display_name"] == "alice"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("gx_wrong"),
        bearer("not-even-our-format"),
        bearer(""),
        {"HTTP_AUTHORIZATION": "Token gx_whatever"},
        {"HTTP_AUTHORIZATION": "Basic YWxpY2U6cGFzc3dvcmQ="},
        bearer("gx_" + "a" * 5000),
    ],
)
def test_me_refuses_missing_or_wrong_credentials(client, alice, alice_token, headers):
    assert_api_error(client.get(f"{API}/me", **headers), 401, "unauthenticated")


def test_session_works_behind_a_proxys_basic_auth(alice_client):
    response = alice_client.get(f"{API}/me", HTTP_AUTHORIZATION="Basic c3RhZ2luZzpzdGFnaW5n")
    assert response.json()["handle"] == "alice"


def test_a_wrong_token_is_not_rescued_by_a_session(alice_client):
    assert_api_error(alice_client.get(f"{API}/me", **bearer("gx_wrong")), 401, "unauthenticated")


def test_revoked_token_stops_working(client, alice, alice_token):
    token = AccessToken.objects.get(user=alice)
    assert client.get(f"{API}/me", **bearer(alice_token)).status_code == 200
    access_token_revoke(user=alice, token_id=token.pk)
    assert_api_error(client.get(f"{API}/me", **bearer(alice_token)), 401, "unauthenticated")


def test_token_dies_with_the_account(client, alice, alice_token):
    account_delete(user=alice)
    assert_api_error(client.get(f"{API}/me", **bearer(alice_token)), 401, "unauthenticated")


def test_token_of_a_deactivated_account_does_not_work(client, alice, alice_token):
    alice.is_active = False
    alice.save()
    assert_api_error(client.get(f"{API}/me", **bearer(alice_token)), 401, "unauthenticated")


def test_failed_token_attempts_are_rate_limited_but_valid_tokens_still_work(
    client, alice, alice_token
):
    for _attempt in range(FAILED_TOKEN_LIMIT):
        assert client.get(f"{API}/me", **bearer("gx_guess")).status_code == 401
    assert_api_error(client.get(f"{API}/me", **bearer("gx_guess")), 429, "rate_limited")
    # The failures are limited, not the address: a valid token from it still works
    # (a shared NAT must not lock members out), and the next failure is still a 429.
    me = client.get(f"{API}/me", **bearer(alice_token))
    assert me.status_code == 200 and me.json()["handle"] == "alice"
    assert_api_error(client.get(f"{API}/me", **bearer("gx_guess2")), 429, "rate_limited")
    # Another address has its own count.
    other = client.get(f"{API}/me", REMOTE_ADDR="10.9.8.7", **bearer("gx_guess"))
    assert other.status_code == 401


# --- /tokens ----------------------------------------------------------------------


def test_token_list_shows_no_secrets(client, alice, alice_token, bob):
    access_token_create(user=bob, name="bob's")
    response = client.get(f"{API}/tokens", **bearer(alice_token))
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    (item,) = body["items"]
    assert set(item) == {"id", "name", "prefix", "created_at", "last_used_at"}
    assert item["name"] == "cli"
    assert alice_token not in response.content.decode()


def test_create_token_returns_it_once(client, alice, alice_token):
    response = client.post(
        f"{API}/tokens", {"name": "ci"}, content_type="application/json", **bearer(alice_token)
    )
    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert raw.startswith(body["prefix"]) and body["name"] == "ci"
    assert client.get(f"{API}/me", **bearer(raw)).json()["handle"] == "alice"
    listing = client.get(f"{API}/tokens", **bearer(raw))
    assert raw not in listing.content.decode()
    assert {t["name"] for t in listing.json()["items"]} == {"cli", "ci"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 61}, "name"),
        ({"name": 12}, "name"),
        ({"name": None}, "name"),
    ],
)
def test_create_token_validates_the_name(client, alice, alice_token, payload, field):
    response = client.post(
        f"{API}/tokens", payload, content_type="application/json", **bearer(alice_token)
    )
    error = assert_api_error(response, 422, "invalid")
    assert field in error["fields"]
    assert AccessToken.objects.filter(user=alice).count() == 1


def test_create_token_with_a_broken_body(client, alice, alice_token):
    response = client.post(
        f"{API}/tokens", "{not json", content_type="application/json", **bearer(alice_token)
    )
    assert_api_error(response, 400, "bad_request")
    assert AccessToken.objects.filter(user=alice).count() == 1


def test_token_cap_is_a_conflict(client, alice, alice_token):
    for index in range(MAX_TOKENS_PER_USER - 1):
        access_token_create(user=alice, name=f"t{index}")
    response = client.post(
        f"{API}/tokens", {"name": "more"}, content_type="application/json", **bearer(alice_token)
    )
    assert_api_error(response, 409, "token_limit")
    assert AccessToken.objects.filter(user=alice).count() == MAX_TOKENS_PER_USER


def test_token_creation_is_rate_limited(client, alice, alice_token):
    for index in range(CREATE_RATE_LIMIT):
        response = client.post(
            f"{API}/tokens",
            {"name": f"t{index}"},
            content_type="application/json",
            **bearer(alice_token),
        )
        assert response.status_code == 201
    response = client.post(
        f"{API}/tokens", {"name": "x"}, content_type="application/json", **bearer(alice_token)
    )
    assert_api_error(response, 429, "rate_limited")


def test_delete_own_token(client, alice, alice_token):
    other, raw = access_token_create(user=alice, name="other")
    response = client.delete(f"{API}/tokens/{other.pk}", **bearer(alice_token))
    assert response.status_code == 204
    assert response.content == b""
    assert_api_error(client.get(f"{API}/me", **bearer(raw)), 401, "unauthenticated")


def test_delete_someone_elses_token_is_404(client, alice_token, bob):
    bobs, raw = access_token_create(user=bob, name="bob's")
    assert_api_error(
        client.delete(f"{API}/tokens/{bobs.pk}", **bearer(alice_token)), 404, "not_found"
    )
    assert_api_error(client.delete(f"{API}/tokens/999999", **bearer(alice_token)), 404, "not_found")
    assert AccessToken.objects.filter(pk=bobs.pk).exists()
    assert client.get(f"{API}/me", **bearer(raw)).status_code == 200


def test_delete_with_a_bad_id_is_an_error_not_a_500(client, alice_token):
    response = client.delete(f"{API}/tokens/not-a-number", **bearer(alice_token))
    assert_api_error(response, 404, "not_found")


def test_token_endpoints_need_auth(client, alice):
    token, _raw = access_token_create(user=alice, name="x")
    assert_api_error(client.get(f"{API}/tokens"), 401, "unauthenticated")
    assert_api_error(
        client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json"),
        401,
        "unauthenticated",
    )
    assert_api_error(client.delete(f"{API}/tokens/{token.pk}"), 401, "unauthenticated")
    assert AccessToken.objects.filter(user=alice).count() == 1


# --- CSRF with session auth ---------------------------------------------------------


@pytest.fixture
def strict_alice(alice) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def _csrf_token(client: Client) -> str:
    client.get("/settings/tokens/")  # any page with a form sets the cookie
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def test_session_writes_need_csrf(strict_alice, alice):
    response = strict_alice.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert_api_error(response, 403, "csrf_failed")
    token, _raw = access_token_create(user=alice, name="keep")
    assert_api_error(strict_alice.delete(f"{API}/tokens/{token.pk}"), 403, "csrf_failed")
    assert AccessToken.objects.filter(user=alice).count() == 1


def test_session_writes_with_csrf_work(strict_alice, alice):
    csrf = _csrf_token(strict_alice)
    response = strict_alice.post(
        f"{API}/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_session_reads_need_no_csrf(strict_alice):
    assert strict_alice.get(f"{API}/me").status_code == 200


def test_token_writes_need_no_csrf(alice, alice_token):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/tokens", {"name": "x"}, content_type="application/json", **bearer(alice_token)
    )
    assert response.status_code == 201


def test_openapi_documents_the_endpoints(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/tokens", "/api/v1/tokens/{token_id}"} <= set(schema["paths"])
