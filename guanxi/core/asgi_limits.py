"""Bound request bodies at the ASGI layer, before Django spools them to disk.

Django's ASGI handler reads the whole body before any middleware runs, so a huge
upload would fill memory or the temp directory before RequestSizeLimitMiddleware
could refuse it. This wrapper stops reading early:

- a declared Content-Length above the limit: Django gets an empty body and the
  unchanged headers, so the middleware answers with its usual 413 page or JSON;
- a body without Content-Length (chunked) that grows past the limit: reading stops
  and the client gets a plain 413.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RequestBodyLimit:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = settings.GUANXI_MAX_REQUEST_BYTES
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await self.app(scope, _empty_body(receive), send)
            return

        received = 0
        too_big = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, too_big
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_big = True
                    return {"type": "http.disconnect"}  # Django drops the request
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)
        if too_big and not started:
            await _send_413(scope, send, limit)


def _empty_body(receive: Receive) -> Receive:
    """A receive that ends the body at once and then never reads from the client.

    Django's later receive() only listens for a disconnect and is cancelled once the
    413 is sent; the server then closes the connection with the body unread.
    """
    body_sent = False

    async def fake_receive() -> Message:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    return fake_receive


async def _send_413(scope: Scope, send: Send, limit: int) -> None:
    message = f"The request is too large (limit {round(limit / 1024 / 1024, 1)} MB)."
    if scope.get("path", "").startswith("/api/"):
        payload = {"error": {"code": "payload_too_large", "message": message}}
        body, content_type = json.dumps(payload).encode(), b"application/json"
    else:
        body, content_type = message.encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
