"""guanxi.asgi runs Django on a fixed pool of threads that keep their database connection
(core/asgi_bridge.py); Django's own ASGIHandler opened one per request."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from tests.platform.conftest import child_env, run_python


def _run(coroutine):
    """asyncio.run in a thread of its own: a browser test earlier on the same xdist worker
    leaves Playwright's event loop running in this one, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# The real settings (not the test run's): requests through guanxi.asgi in this process.
REQUESTS = """
import asyncio, json, threading
import guanxi.asgi as served
from django.db.backends.signals import connection_created

opened = []
connection_created.connect(
    lambda sender, connection, **kw: opened.append(threading.get_ident()), weak=False
)

async def get(path):
    sent = []
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    await served.application(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

async def main():
    # One at a time, then 8 at once (more than the pool's threads).
    statuses = [await get("/readyz") for _ in range(12)]
    statuses += await asyncio.gather(*(get("/readyz") for _ in range(8)))
    return statuses

answers = asyncio.run(main())
print(json.dumps({"statuses": [s for s, _ in answers],
                  "database": [json.loads(b)["checks"]["database"] for _, b in answers],
                  "opened": opened, "threads": served.THREADS}))
"""


def test_requests_reuse_the_threads_database_connections(tmp_path):
    result = run_python(REQUESTS, child_env(tmp_path, DEBUG="0"))
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["statuses"] == [200] * 20
    assert set(found["database"]) == {"ok"}
    # One connection per pool thread at most, for 20 requests (not one per request).
    assert 1 <= len(found["opened"]) <= found["threads"] == 4
    assert len(set(found["opened"])) == len(found["opened"])


def test_a_websocket_handshake_is_refused_until_there_are_websocket_endpoints():
    from guanxi.asgi import application

    sent = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "websocket", "path": "/ws/", "headers": [], "query_string": b""}
    _run(application(scope, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1000}]


def test_a_chunked_body_arrives_with_its_length_and_a_large_response_streams():
    from guanxi.core.asgi_bridge import WSGIOnThreads

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        body = environ["wsgi.input"].read()
        yield b"%s:%d;" % (environ["CONTENT_LENGTH"].encode(), len(body))
        yield from (b"x" * 4096 for _ in range(200))  # 800 KB in file-sized blocks

    bridge = WSGIOnThreads(app, threads=1)
    parts = [b"a" * 1000, b"b" * 500]  # no Content-Length: a chunked upload
    sent = []

    async def receive():
        chunk = parts.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}
    _run(bridge(scope, receive, send))
    body = b"".join(message.get("body", b"") for message in sent[1:])
    assert sent[0]["status"] == 200
    assert body.startswith(b"1500:1500;") and len(body) == len(b"1500:1500;") + 200 * 4096
    # Sent in pieces once past the buffer, not one message per 4 KB block.
    assert 1 < len(sent) - 1 < 20
    assert sent[-1].get("more_body", False) is False
