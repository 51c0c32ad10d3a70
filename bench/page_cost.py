"""The in-process cost of the signed-in profile and home pages: queries, URL reversals,
Python function calls and CPU time per request (Django's test client, one process).

    .venv/bin/guanxi migrate -v0 && .venv/bin/guanxi demo && .venv/bin/guanxi collectstatic --noinput -v0
    .venv/bin/python bench/page_cost.py [--rounds 7] [--requests 50] [--viewer jasonthompson0]

The viewer looks at the 51st member by id (another member's profile), the home page and
their own profile. CPU is `time.process_time()` over a round of requests, median of the
rounds: on a shared machine compare before and after in the same minute, and trust the
counts, which do not depend on the load.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

import django

django.setup()

from django import urls  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import defaulttags  # noqa: E402
from django.test import Client  # noqa: E402


def counted_reversals(client: Client, url: str) -> Counter:
    """URL names reversed while `url` is served (the {% url %} tag and reverse())."""
    names: Counter = Counter()
    real = urls.reverse

    def counting(viewname, *args, **kwargs):
        names[viewname] += 1
        return real(viewname, *args, **kwargs)

    modules = (urls, urls.base, defaulttags)
    for module in modules:
        module.reverse = counting
    try:
        client.get(url)
    finally:
        for module in modules:
            module.reverse = real
    return names


def counted_queries(client: Client, url: str) -> list[str]:
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(url)
    return seen


def function_calls(client: Client, url: str) -> int:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    return pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--viewer", default="jasonthompson0")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL")
    parser.add_argument(
        "--url", action="append", default=[], help="another page to measure (repeatable)"
    )
    args = parser.parse_args()
    users = get_user_model()
    viewer = users.objects.get(username=args.viewer)
    other = users.objects.exclude(pk=viewer.pk).order_by("pk")[50]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(viewer)
    pages = {
        "profile (another member)": f"/@{other.username}/",
        "home": "/",
        "own profile": f"/@{viewer.username}/",
        **{url: url for url in args.url},
    }
    print("| page | queries | URL reversals | function calls | CPU ms median (min) |")
    print("|---|---:|---:|---:|---:|")
    for name, url in pages.items():
        for _ in range(10):
            assert client.get(url).status_code == 200, url
        queries = counted_queries(client, url)
        reversals = counted_reversals(client, url)
        calls = function_calls(client, url)
        rounds = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.requests):
                client.get(url)
            rounds.append((time.process_time() - started) / args.requests * 1000)
        print(
            f"| {name} | {len(queries)} | {sum(reversals.values())} | {calls:,} "
            f"| {statistics.median(rounds):.1f} ({min(rounds):.1f}) |"
        )
        if args.queries:
            print("\n".join(f"    {sql[:160]}" for sql in queries))


if __name__ == "__main__":
    main()
