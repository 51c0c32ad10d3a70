"""`guanxi demo`: build (or extend, or replace) the demo community."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.demo.network import demo_network_exists, seed_demo_network
from guanxi.demo.preferences import seed_demo_preferences
from guanxi.demo.seeding import (
    DEFAULT_MEMBERS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DemoSeedConflict,
    remove_demo,
    seed_demo,
)

MAX_MEMBERS = 1_000_000


class Command(BaseCommand):
    help = (
        "Create a believable demo community (marked as demo). Idempotent: running it again "
        "adds only the members that are missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members", type=int, default=DEFAULT_MEMBERS, help="how many demo members"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="the same seed builds the same people"
        )
        parser.add_argument("--reset", action="store_true", help="delete all demo members first")

    def handle(self, *args, members: int, seed: int, reset: bool, verbosity: int, **options):
        if not 0 <= members <= MAX_MEMBERS:
            raise CommandError(f"--members must be between 0 and {MAX_MEMBERS:,}.")
        if reset:
            removed = remove_demo()
            self.stdout.write(f"Removed {removed:,} demo members.")
        started = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if verbosity >= 1 and total >= 5000 and (now - last[0] > 5 or done == total):
                last[0] = now
                self.stdout.write(f"  {done:,}/{total:,} members ({now - started:.0f} s)")

        try:
            report = seed_demo(members=members, seed=seed, progress=progress)
        except DemoSeedConflict as exc:
            # Not an error: `guanxi serve --demo` runs this on every start, and an
            # existing demo community (whatever its seed) is what it wants.
            self.stdout.write(self.style.WARNING(f"Nothing added. {exc}"))
            return
        elapsed = time.monotonic() - started
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo community ready: {report.created:,} created, "
                    f"{report.existing:,} already there"
                    + (f", {report.skipped:,} skipped (handle taken)" if report.skipped else "")
                    + f"; {report.demo_total:,} demo members in total ({elapsed:.1f} s)."
                )
            )
            if report.created:
                self.stdout.write(
                    f"Every demo member's password is {DEMO_PASSWORD!r}; "
                    "their emails end in @demo.guanxi.local."
                )
        # The network follows the members: built once, and again when members were added.
        if report.created or not demo_network_exists():
            network = seed_demo_network(seed=seed)
            if verbosity >= 1:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo network: {network.edges:,} connections generated, "
                        f"{network.invitations:,} pending invitations, "
                        f"{network.introductions:,} introductions, "
                        f"{network.suggestions:,} suggestions computed."
                    )
                )
        chose = seed_demo_preferences(seed=seed)
        if verbosity >= 1 and chose:
            self.stdout.write(f"Notification emails: {chose:,} demo members chose their own.")
