"""`guanxi export_graph_edges edges.txt`: the connections as an edge list (member ids),
for `guanxi evaluate_suggestions`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanxi.network.models import Connection


class Command(BaseCommand):
    help = "Write every connection as 'low_id high_id' lines (member ids)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args, path: str, **options) -> None:
        count = 0
        try:
            with open(path, "w", encoding="utf-8") as out:
                out.write("# guanxi connections: member id, member id\n")
                for low, high in (
                    Connection.objects.order_by("user_low_id", "user_high_id")
                    .values_list("user_low_id", "user_high_id")
                    .iterator(chunk_size=10_000)
                ):
                    out.write(f"{low} {high}\n")
                    count += 1
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}
            ) from None
        self.stdout.write(_("%(n)d connections written to %(path)s.") % {"n": count, "path": path})
