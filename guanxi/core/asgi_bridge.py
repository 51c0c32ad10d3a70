"""Serve Django's WSGI application from an ASGI server on a fixed pool of threads.

Why not Django's ASGIHandler (docs/DESIGN-platform.md, "Serving pages"): our views and
middleware are sync, so it runs every request in a new thread and hops between that
thread and the event loop five times; that costs about 1 ms of CPU a request and, as a
database connection belongs to a thread, it makes CONN_MAX_AGE useless. Here each
request is one hop: the body is read on the event loop (a slow client holds no thread),
then Django's WSGI handler runs on one of a few long-lived threads, which keep their
database connections between requests. WebSockets stay ASGI (see guanxi/asgi.py).

Request bodies are bounded here, before Django sees them:

- a declared Content-Length above GUANXI_MAX_REQUEST_BYTES is not read: Django gets an
  empty body with the headers unchanged, and RequestSizeLimitMiddleware answers with its
  usual 413 page or JSON;
- a body without Content-Length (chunked) is read up to the limit; past it, reading stops
  and the client gets a plain 413 (a chunked body within the limit reaches Django with
  its length, which WSGI needs).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# A response up to this size is handed back to the event loop whole (one hop); a larger
# one (a big static file, a streaming response) is sent chunk by chunk from the thread.
BUFFER_BYTES = 256 * 1024
STREAM_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # request bodies above this go to a temporary file


class WSGIOnThreads:
    def __init__(self, app: WSGIApp, *, threads: int):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="web")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"  # noqa: S101 - the router sends only HTTP here
        read = await _read_body(scope, receive, send)
        if read is None:
            return  # answered (413) or the client left
        environ = _environ(scope, *read)
        loop = asyncio.get_running_loop()
        start, chunks, streamed = await loop.run_in_executor(
            self.executor, self._respond, environ, loop, send
        )
        if streamed:
            return
        await send(start)
        await send({"type": "http.response.body", "body": b"".join(chunks)})

    def _respond(
        self, environ: dict[str, Any], loop: asyncio.AbstractEventLoop, send: Send
    ) -> tuple[Message, list[bytes], bool]:
        """Run the WSGI application in this pool thread. A small response comes back
        whole; a large one is sent from here as it is produced."""
        start: Message = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
            if exc_info and streamed:
                raise exc_info[1].with_traceback(exc_info[2])
            start.update(
                type="http.response.start",
                status=int(status[:3]),
                headers=[(k.lower().encode("latin1"), v.encode("latin1")) for k, v in headers],
            )
            return chunks.append  # WSGI's write(): rare, buffered like the rest

        def forward(message: Message) -> None:
            asyncio.run_coroutine_threadsafe(send(message), loop).result()

        chunks: list[bytes] = []
        streamed = False
        size = 0
        iterable = self.app(environ, start_response)
        try:
            for chunk in iterable:
                if not chunk:
                    continue
                chunks.append(chunk)
                size += len(chunk)
                # Past the buffer, send in pieces of about STREAM_BYTES (a file response
                # yields 4 KB blocks: one hop each would cost more than the copy).
                if size > (STREAM_BYTES if streamed else BUFFER_BYTES):
                    if not streamed:
                        streamed = True
                        forward(start)
                    body = b"".join(chunks)
                    forward({"type": "http.response.body", "body": body, "more_body": True})
                    chunks.clear()
                    size = 0
            if streamed:
                forward({"type": "http.response.body", "body": b"".join(chunks)})
                chunks.clear()
        finally:
            # Django's request_finished (and close_old_connections) runs here, in the
            # thread that owns the connection.
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        return start, chunks, streamed


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(
    scope: Scope, receive: Receive, send: Send
) -> tuple[IO[bytes], list[tuple[bytes, bytes]]] | None:
    """The body, and the headers with the length of a chunked body added."""
    headers = list(scope.get("headers", []))
    limit = settings.GUANXI_MAX_REQUEST_BYTES
    declared = _declared_length(scope)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - Django reads it
    if declared is not None and declared > limit:
        return spool, headers  # left unread: the middleware answers from the declared length
    received = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            spool.close()
            return None
        chunk = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            spool.close()
            await _send_413(scope, send, limit)
            return None
        spool.write(chunk)
        more = message.get("more_body", False)
    spool.seek(0)
    if declared is None and received:
        headers.append((b"content-length", b"%d" % received))
    return spool, headers


def _environ(scope: Scope, body: IO[bytes], headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    server_name, server_port = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        # WSGI strings are bytes as latin-1; Django decodes them back as UTF-8.
        "SCRIPT_NAME": root.encode().decode("latin1"),
        "PATH_INFO": path.encode().decode("latin1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin1"),
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = "HTTP_" + name
        value = raw_value.decode("latin1")
        if name in environ:
            value = f"{environ[name]},{value}"
        environ[name] = value
    return environ


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
