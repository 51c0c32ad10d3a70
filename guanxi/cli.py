"""The `guanxi` command: serve, demo, createadmin, worker, scheduler, and anything
else passed through to Django's manage (`guanxi migrate`, `guanxi shell` ...)."""

from __future__ import annotations

import argparse
import os
import socket
import sys

from guanxi import startup
from guanxi.supervisor import Child, Supervisor


def _check_settings() -> None:
    """Load the settings once, turning a configuration mistake into one clear line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - forces the settings module to load
    except (ImproperlyConfigured, ValueError) as exc:
        sys.exit(f"guanxi: configuration error: {exc}")


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()


def manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["guanxi", *argv])


def _prepare() -> None:
    """Migrate and collect static files: everything a fresh data directory needs."""
    startup.step("database: applying migrations")
    manage(["migrate", "--noinput", "-v", "0"])
    startup.step("static files: collecting")
    manage(["collectstatic", "--noinput", "-v", "0"])


def _demo_login() -> startup.DemoLogin | None:
    from django.db import connections

    from guanxi.demo.seeding import demo_login

    try:
        return demo_login()
    finally:
        connections.close_all()  # the children open their own


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="guanxi serve", description="Run web, worker and scheduler."
    )
    parser.add_argument("--host", default=os.environ.get("GUANXI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GUANXI_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=1, help="web processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("GUANXI_WEB_THREADS", "4")),
        help="requests each web process runs at once (each thread keeps a database connection)",
    )
    parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    parser.add_argument("--no-scheduler", action="store_true", help="do not start the scheduler")
    parser.add_argument("--demo", action="store_true", help="seed demo data first (idempotent)")
    args = parser.parse_args(argv)

    if not _port_free(args.host, args.port):
        sys.exit(f"guanxi: {args.host}:{args.port} is in use; choose another with --port")
    _prepare()
    if args.demo:
        startup.step("demo community: seeding (only what is missing)")
        manage(["demo"])
    login = _demo_login()
    startup.step("starting the web server, the task worker and the scheduler")
    startup.quiet_web_server()
    os.environ["GUANXI_WEB_THREADS"] = str(args.threads)  # read by guanxi.asgi in each worker
    python = sys.executable
    children: list[Child] = []
    if not args.no_worker:
        children.append(Child("task worker", [python, "-m", "guanxi.cli", "worker"]))
    if not args.no_scheduler:
        children.append(Child("scheduler", [python, "-m", "guanxi.cli", "scheduler"]))
    web = [
        python,
        "-m",
        "uvicorn",
        # HTTP on a fixed pool of threads per process, WebSockets on the event loop.
        "guanxi.asgi:application",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        # Guanxi decides which X-Forwarded-For to believe (GUANXI_TRUSTED_PROXIES).
        "--no-proxy-headers",
        "--lifespan",
        "off",
    ]
    children.append(Child("web server", web))
    supervisor = Supervisor(children)
    startup.announce_when_answering(
        host=args.host,
        port=args.port,
        login=login,
        still_starting=lambda: not supervisor.stopping,
    )
    return supervisor.run()


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def worker(argv: list[str]) -> None:
    manage(["worker", "--no-reload", *argv])


def scheduler(argv: list[str]) -> None:
    _django_setup()
    from guanxi.core.scheduler import run_scheduler

    run_scheduler()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    _check_settings()
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command == "serve":
        sys.exit(serve(rest))
    elif command == "worker":
        worker(rest)
    elif command == "scheduler":
        scheduler(rest)
    elif command == "createadmin":
        manage(["createsuperuser", *rest])
    else:
        manage(argv)


if __name__ == "__main__":
    main()
