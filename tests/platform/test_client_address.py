"""The client address every rate limit counts by: X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from django.test import Client, RequestFactory

from guanxi.api.auth import FAILED_TOKEN_LIMIT
from guanxi.core.ratelimit import client_ip
from guanxi.envconf import env_networks

PROXY = "10.0.0.1"


@pytest.fixture
def behind_proxy(settings, monkeypatch):
    monkeypatch.setenv("GUANXI_TRUSTED_PROXIES", "10.0.0.0/24, fd00::1")
    settings.GUANXI_TRUSTED_PROXIES = env_networks("GUANXI_TRUSTED_PROXIES")


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert settings.GUANXI_TRUSTED_PROXIES == ()
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"
    assert client_ip(_request("198.51.100.2", "203.0.113.7")) == "198.51.100.2"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        (PROXY, "203.0.113.7", "203.0.113.7"),
        # A client's own X-Forwarded-For is kept by the proxy, in front: not believed.
        (PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # Two trusted hops: the first untrusted address from the right is the client.
        (PROXY, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (PROXY, " 203.0.113.7 ,10.0.0.9 ", "203.0.113.7"),
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
        # Garbage next to our proxy: trust stops there.
        (PROXY, "203.0.113.7, not-an-address", PROXY),
        (PROXY, "", PROXY),
        (PROXY, None, PROXY),
        # Not from a trusted proxy: the header is whatever the client wrote.
        ("198.51.100.2", "203.0.113.7", "198.51.100.2"),
    ],
)
def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client(
    behind_proxy, remote, forwarded, client
):
    assert client_ip(_request(remote, forwarded)) == client


def test_allauth_counts_by_the_same_address(behind_proxy):
    request = _request(PROXY, "6.6.6.6, 203.0.113.7")
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_escape_the_token_limit(client):
    for attempt in range(FAILED_TOKEN_LIMIT):
        response = client.get(
            "/api/v1/me",
            HTTP_AUTHORIZATION="Bearer gx_guess",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
        assert response.status_code == 401
    blocked = client.get(
        "/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_guess", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert blocked.status_code == 429


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_token_limit(behind_proxy):
    guesser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _attempt in range(FAILED_TOKEN_LIMIT):
        assert guesser.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_guess").status_code == 401
    assert guesser.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_guess").status_code == 429
    neighbour = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert neighbour.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer gx_guess").status_code == 401


def test_trusted_proxies_setting_parses_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("GUANXI_TRUSTED_PROXIES", "10.0.0.5, 192.168.0.0/24,::1")
    assert [str(net) for net in env_networks("GUANXI_TRUSTED_PROXIES")] == [
        "10.0.0.5/32",
        "192.168.0.0/24",
        "::1/128",
    ]
    monkeypatch.setenv("GUANXI_TRUSTED_PROXIES", "10.0.0.5, the-load-balancer")
    with pytest.raises(ValueError, match="'the-load-balancer' is not an IP address"):
        env_networks("GUANXI_TRUSTED_PROXIES")
