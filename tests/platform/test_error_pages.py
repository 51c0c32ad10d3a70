"""Error answers: pages in the site frame for people, the JSON error shape under /api/.

pytest runs with DEBUG off, so these are the pages members really see.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def assert_site_page(response, status: int, *texts: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<header class="site-header">' in html  # the site frame, not a bare error
    assert f"Error {status}" in html
    for text in texts:
        assert text in html
    assert "Content-Security-Policy" in response.headers
    return html


def test_404_page(client):
    assert_site_page(client.get("/no-such-page/"), 404, "Page not found", 'href="/"')


def test_404_page_for_a_member_shows_their_navigation(alice_client):
    html = assert_site_page(alice_client.get("/no-such-page/"), 404)
    assert "Log out" in html


def test_too_many_form_fields_is_a_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    data = {f"field{i}": "x" for i in range(30)}
    html = assert_site_page(client.post(LOGIN, data), 400, "too many fields")
    assert "Traceback" not in html


def test_form_data_over_the_field_limit_is_a_413_page(client, settings):
    # Below the whole-body limit but above what Django parses into request.POST.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(LOGIN, {"login": "a@example.com", "password": "x" * 20_000})
    assert_site_page(response, 413, "larger than this site accepts")


def test_oversize_body_is_refused_before_the_view(client, settings):
    settings.GUANXI_MAX_REQUEST_BYTES = 5_000
    response = client.post(LOGIN, {"login": "a@example.com", "password": "x" * 6_000})
    assert_site_page(response, 413, "The request is too large (limit")


def test_oversize_body_under_the_api_is_json(client, settings):
    settings.GUANXI_MAX_REQUEST_BYTES = 5_000
    response = client.post("/api/v1/me", "x" * 6_000, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert "too large" in error["message"]


def test_csrf_failure_is_a_403_page_that_says_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"login": "a@example.com", "password": "whatever"})
    assert_site_page(response, 403, "reload the page")


def test_rate_limited_login_is_a_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post(LOGIN, {"login": "nobody@example.com", "password": "wrong-password"})
    response = client.post(LOGIN, {"login": "nobody@example.com", "password": "wrong-password"})
    assert_site_page(response, 429, "Too many attempts")


@pytest.mark.urls("tests.platform.urls_errors")
def test_permission_denied_is_a_403_page(client):
    assert_site_page(client.get("/test-errors/forbidden/"), 403, "You may not do that")


@pytest.mark.urls("tests.platform.urls_errors")
def test_server_error_is_a_500_page_without_details():
    client = Client(raise_request_exception=False)
    html = assert_site_page(client.get("/test-errors/boom/"), 500, "Something went wrong")
    assert "deliberate failure" not in html


@pytest.mark.urls("tests.platform.urls_errors")
def test_server_error_under_the_api_is_json():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/test-errors/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "server_error", "message": "Something went wrong on our side."}
    }


def test_error_page_is_translated(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 404
    assert 'lang="zh-Hans"' in response.content.decode()


def test_error_page_falls_back_to_static_html_when_rendering_fails(client, monkeypatch):
    from guanxi.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(views, "render_to_string", broken)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "guanxi/site.css" in html
