"""The application `guanxi serve` runs (uvicorn): one port for pages and, later, WebSockets.

HTTP goes to Django's WSGI handler on a fixed pool of threads per process
(core/asgi_bridge.py: one thread hop a request, and the threads keep their database
connections); WebSocket connections are ASGI's own and will go to Channels' consumers
when the live chats come. Why not Django's ASGIHandler: docs/DESIGN-platform.md,
"Serving pages".
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

django_application = get_wsgi_application()

from guanxi.core.asgi_bridge import WSGIOnThreads  # noqa: E402 - needs settings loaded

# Threads per web process: requests one process runs at once (each keeps a connection).
THREADS = int(os.environ.get("GUANXI_WEB_THREADS", "4"))

pages = WSGIOnThreads(django_application, threads=THREADS)


def _freeze_what_lives_as_long_as_the_process() -> None:
    """Load the URLconf (and with it every view module), then move everything loaded so
    far out of the garbage collector's reach: the collections that requests trigger then
    scan only what requests make. Unfrozen, a full collection of the ~100,000 objects of
    start-up cost ~70 ms of CPU and fell on one request in ~1,500 (the p99's tail)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf's modules now
    gc.collect()
    gc.freeze()


_freeze_what_lives_as_long_as_the_process()


async def application(scope, receive, send):
    if scope["type"] == "http":
        await pages(scope, receive, send)
    elif scope["type"] == "websocket":
        # No WebSocket endpoint yet: refuse the handshake (the server answers 403).
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1000})
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
