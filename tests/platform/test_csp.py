"""Content-Security-Policy: no inline script or style anywhere, enforced on every page.

The header is checked on the main pages; the template scan stops later work from
adding inline code that the policy would silently block in the browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import guanxi

PACKAGE = Path(guanxi.__file__).resolve().parent

TAG = re.compile(r"<(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
# Script elements the browser does not execute: data blocks read by our static JS.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
INLINE_HANDLER = re.compile(r"(?:^|\s)(on[a-z]+|hx-on[\w:-]*)\s*=", re.I)
INLINE_STYLE = re.compile(r"(?:^|\s)style\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*") if p.suffix in {".html", ".txt"})


def _strip_django_comments(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.S)


def csp_problems(text: str) -> list[str]:
    text = _strip_django_comments(text)
    problems = []
    for match in SCRIPT.finditer(text):
        attrs = match.group("attrs")
        type_match = re.search(r"""type\s*=\s*["']([^"']+)["']""", attrs, re.I)
        if type_match and type_match.group(1).lower() in DATA_SCRIPT_TYPES:
            continue
        if "src=" not in attrs.replace(" ", "") or match.group("body").strip():
            problems.append(f"inline <script>: {match.group(0)[:80]!r}")
    if re.search(r"<style\b", text, re.I):
        problems.append("inline <style> element")
    for tag in TAG.finditer(text):
        attrs = tag.group("attrs")
        if INLINE_STYLE.search(attrs):
            problems.append(f"style= attribute on <{tag.group('name')}>")
        handler = INLINE_HANDLER.search(attrs)
        if handler:
            problems.append(f"{handler.group(1)}= handler on <{tag.group('name')}>")
        if JS_URL.search(attrs):
            problems.append(f"javascript: URL on <{tag.group('name')}>")
    return problems


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<script src="/static/x.js">alert(1)</script>', "inline <script>"),
        ('<div style="color: red">', "style= attribute"),
        ('<button type="button" onclick="go()">', "onclick= handler"),
        ('<form hx-on:submit="x()">', "hx-on:submit= handler"),
        ('<a href="javascript:void(0)">', "javascript: URL"),
        ("<style>p { color: red }</style>", "inline <style>"),
    ],
)
def test_scanner_catches_inline_code(snippet, expected):
    problems = csp_problems(snippet)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'guanxi/app.js' %}\" defer></script>",
        '<script type="application/json" id="data">{"a": 1}</script>',
        '<p class="only-on-mobile" data-one="1">Stylesheet onwards</p>',
        "{# <script>old()</script> #}",
    ],
)
def test_scanner_accepts_external_script_and_data(snippet):
    assert csp_problems(snippet) == []


def test_templates_have_no_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 5
    problems = {
        str(path.relative_to(PACKAGE)): found
        for path in templates
        if (found := csp_problems(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/members/", "/accounts/login/", "/accounts/signup/", "/api/v1/docs", "/no-such-page/"],
)
def test_every_page_sends_a_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code in {200, 404}
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values


@pytest.mark.django_db
def test_member_pages_send_the_policy(alice_client):
    for path in ["/", "/settings/", "/@alice/"]:
        response = alice_client.get(path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_policy_built_once_is_the_one_django_csp_builds(client, settings):
    """Our middleware keeps the header per process: byte-identical to django-csp's own,
    rebuilt when the settings change, and a view's override still applies."""
    from csp.middleware import CSPMiddleware as Upstream
    from django.http import HttpResponse
    from django.test import RequestFactory

    from guanxi.core.middleware import CSPMiddleware

    def headers(middleware, response=None):
        request = RequestFactory().get("/")
        middleware.process_request(request)
        nonce = str(request.csp_nonce)
        answer = middleware.process_response(request, response or HttpResponse())
        return answer["Content-Security-Policy"], nonce

    ours, upstream = CSPMiddleware(HttpResponse), Upstream(HttpResponse)
    (first, nonce_1), (second, nonce_2) = headers(ours), headers(ours)
    assert first == second == headers(upstream)[0] == client.get("/")["Content-Security-Policy"]
    assert nonce_1 != nonce_2
    overridden = HttpResponse()
    overridden._csp_update = {"img-src": ["https://example.org"]}
    assert headers(ours, overridden)[0] == headers(upstream, overridden)[0] != first
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert headers(ours)[0] == headers(upstream)[0] == "default-src 'none'"
