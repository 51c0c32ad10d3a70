"""Oversize bodies are refused at the ASGI layer without being read into a spool file."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from guanxi.asgi import application

MB = 1024 * 1024


def call(path: str, *, method: str = "POST", chunks: list[bytes], content_length: int | None):
    """Run one request through the real ASGI application; return (status, headers, body, reads)."""
    headers = [(b"host", b"testserver"), (b"content-type", b"application/octet-stream")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    pending = list(chunks)
    reads = 0
    sent: list[dict] = []

    async def receive():
        nonlocal reads
        if pending:
            reads += 1
            body = pending.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(pending)}
        await asyncio.sleep(3600)  # the client keeps the connection open

    async def send(message):
        sent.append(message)

    # A thread of its own: Playwright's sync API may already run an event loop here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, application(scope, receive, send)).result(timeout=60)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body, reads


@pytest.fixture
def small_limit(settings):
    settings.GUANXI_MAX_REQUEST_BYTES = 2 * MB


def test_declared_oversize_body_gets_the_413_page_unread(small_limit):
    chunks = [b"x" * MB for _ in range(10)]
    status, headers, body, reads = call("/accounts/login/", chunks=chunks, content_length=10 * MB)
    assert status == 413
    assert b"The request is too large (limit 2.0 MB)." in body
    assert b'class="site-header"' in body
    assert reads == 0


def test_declared_oversize_body_under_the_api_is_json(small_limit):
    chunks = [b"x" * MB for _ in range(10)]
    status, headers, body, reads = call("/api/v1/tokens", chunks=chunks, content_length=10 * MB)
    assert status == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    assert reads == 0


def test_streamed_body_is_cut_off_at_the_limit(small_limit):
    chunks = [b"x" * MB for _ in range(10)]
    status, headers, body, reads = call("/accounts/login/", chunks=chunks, content_length=None)
    assert status == 413
    assert body == b"The request is too large (limit 2.0 MB)."
    assert reads == 3  # stopped at the first chunk past 2 MB, not after all 10


def test_streamed_body_under_the_api_is_cut_off_with_json(small_limit):
    chunks = [b"x" * MB for _ in range(10)]
    status, headers, body, reads = call("/api/v1/tokens", chunks=chunks, content_length=None)
    assert status == 413
    assert headers[b"content-type"] == b"application/json"
    assert json.loads(body)["error"]["code"] == "payload_too_large"


def test_bodies_within_the_limit_reach_the_view(small_limit):
    status, headers, body, reads = call(
        "/api/v1/tokens", chunks=[b'{"name": "ci"}'], content_length=14
    )
    assert status == 401  # reached ninja's authentication: the body was accepted
    assert json.loads(body)["error"]["code"] == "unauthenticated"


def test_get_requests_pass_through(small_limit):
    status, headers, body, reads = call("/healthz", method="GET", chunks=[b""], content_length=None)
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
