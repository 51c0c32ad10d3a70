"""`guanxi recompute_suggestions`: everyone's people-you-may-know at once.

Resumable and idempotent: an interrupted run continues where it stopped (members
already done are skipped); `--restart` starts over.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanxi.network.suggestions.recompute import recompute_all


class Command(BaseCommand):
    help = "Recompute every member's suggestions (resumes an interrupted run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes", type=int, default=2, help="worker processes ranking members"
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--restart", action="store_true", help="start over instead of resuming")

    def handle(self, *args, processes: int, batch_size: int, restart: bool, verbosity: int,
               **options) -> None:  # fmt: skip
        if processes < 1 or batch_size < 1:
            raise CommandError(_("--processes and --batch-size must be at least 1."))
        started = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if verbosity >= 1 and (now - last[0] > 10 or done == total):
                last[0] = now
                self.stdout.write(
                    _("  %(done)d/%(total)d members (%(s).0f s)")
                    % {"done": done, "total": total, "s": now - started}
                )

        report = recompute_all(
            processes=processes, batch_size=batch_size, restart=restart, progress=progress
        )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Suggestions recomputed for %(computed)d members (%(skipped)d skipped), "
                        "%(rows)d suggestions stored in %(s).1f s%(resumed)s; graph scoring: "
                        "%(scoring)s."
                    )
                    % {
                        "computed": report.computed,
                        "skipped": report.skipped,
                        "rows": report.rows,
                        "s": report.seconds,
                        "resumed": _(", resuming an interrupted run") if report.resumed else "",
                        "scoring": report.scoring,
                    }
                )
            )
