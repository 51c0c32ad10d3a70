"""Personal access tokens on the settings page, and the hashing underneath."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from guanxi.accounts.models import AccessToken
from guanxi.accounts.services import access_token_create, access_token_use
from guanxi.accounts.tokens import CREATE_RATE_LIMIT, MAX_TOKENS_PER_USER, TOKEN_PREFIX

pytestmark = pytest.mark.django_db

TOKENS = reverse("settings_tokens")
RAW = re.compile(r"<code>(gx_[A-Za-z0-9_\-]{40,})</code>")


def _revoke_url(token_id: int) -> str:
    return reverse("settings_token_revoke", kwargs={"token_id": token_id})


def test_create_shows_the_raw_token_once_and_stores_only_a_digest(alice_client, alice):
    response = alice_client.post(TOKENS, {"name": "  reporting   script "})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    raw = RAW.search(html).group(1)
    assert "shown only this once" in html

    token = AccessToken.objects.get(user=alice)
    assert token.name == "reporting script"
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and token.prefix.startswith(TOKEN_PREFIX)
    stored = AccessToken.objects.filter(user=alice).values_list("name", "prefix", "digest").get()
    assert all(raw not in value for value in stored)

    listing = alice_client.get(TOKENS).content.decode()
    assert raw not in listing
    assert f"{token.prefix}…" in listing and "reporting script" in listing
    assert "Never" in listing
    assert access_token_use(raw=raw) == alice


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_bad_names_are_field_errors(alice_client, alice, name):
    response = alice_client.post(TOKENS, {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not AccessToken.objects.filter(user=alice).exists()
    assert not RAW.search(response.content.decode())


def test_revoke(alice_client, alice):
    token, raw = access_token_create(user=alice, name="old laptop")
    response = alice_client.post(_revoke_url(token.pk))
    assert response.status_code == 302 and response["Location"] == TOKENS
    assert not AccessToken.objects.filter(pk=token.pk).exists()
    assert access_token_use(raw=raw) is None
    assert "revoked" in alice_client.get(TOKENS).content.decode()


def test_cannot_revoke_someone_elses_token(alice_client, bob):
    token, raw = access_token_create(user=bob, name="bob's")
    assert alice_client.post(_revoke_url(token.pk)).status_code == 404
    assert alice_client.post(_revoke_url(999999)).status_code == 404
    assert access_token_use(raw=raw) == bob


def test_revoke_needs_post(alice_client, alice):
    token, _raw = access_token_create(user=alice, name="x")
    assert alice_client.get(_revoke_url(token.pk)).status_code == 405
    assert AccessToken.objects.filter(pk=token.pk).exists()


def test_token_cap(alice_client, alice):
    for index in range(MAX_TOKENS_PER_USER):
        access_token_create(user=alice, name=f"t{index}")
    response = alice_client.post(TOKENS, {"name": "one too many"})
    assert response.status_code == 409
    assert f"You already have {MAX_TOKENS_PER_USER} tokens" in response.content.decode()
    assert AccessToken.objects.filter(user=alice).count() == MAX_TOKENS_PER_USER


def test_creation_is_rate_limited(alice_client, alice):
    for index in range(CREATE_RATE_LIMIT):
        alice_client.post(TOKENS, {"name": f"t{index}"})
    response = alice_client.post(TOKENS, {"name": "one more"})
    assert response.status_code == 429
    assert "too fast" in response.content.decode()
    assert AccessToken.objects.filter(user=alice).count() == CREATE_RATE_LIMIT


def test_page_needs_login(client):
    assert client.get(TOKENS).status_code == 302
    assert client.post(TOKENS, {"name": "x"}).status_code == 302
    assert not AccessToken.objects.exists()


def test_list_page_queries_do_not_grow_with_tokens(
    alice_client, alice, django_assert_max_num_queries
):
    for index in range(MAX_TOKENS_PER_USER):
        access_token_create(user=alice, name=f"token {index}")
    with django_assert_max_num_queries(6):
        response = alice_client.get(TOKENS)
    assert response.content.decode().count("/revoke/") == MAX_TOKENS_PER_USER


@pytest.mark.parametrize(
    "raw", ["", "gx_", "gx_nope", "nope", "gx_" + "a" * 200, "Bearer gx_x", "gx_\x00"]
)
def test_access_token_use_rejects_garbage(alice, raw):
    access_token_create(user=alice, name="real")
    assert access_token_use(raw=raw) is None


def test_inactive_members_tokens_do_not_work(alice):
    _token, raw = access_token_create(user=alice, name="x")
    alice.is_active = False
    alice.save()
    assert access_token_use(raw=raw) is None
