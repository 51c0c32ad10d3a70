"""`guanxi evaluate_suggestions edges.txt`: recall@k and precision@k of our ranking
against mutual-connection counting, Adamic–Adar and resource allocation on an
undirected edge list (the usual link-prediction protocol: see network/evaluation.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanxi.accounts.models import Profile
from guanxi.network.suggestions.evaluation import evaluate, read_edge_file
from guanxi.network.suggestions.recompute import MemoryTraits

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = (
        "Shuffle an edge list's edges with a seed, hide a share of them and report how many "
        "come back in each member's top k, for our ranking and for three baselines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            help="edge list: the first two columns of each line are ids (further columns "
            "ignored); # and % start comments; a node/edge count first line is skipped; "
            "Pajek .net files are read by their sections",
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--k", type=int, default=10, help="suggestions per member")
        parser.add_argument("--hide", type=float, default=0.1, help="share of edges hidden")
        parser.add_argument(
            "--sample",
            type=int,
            default=0,
            help="evaluate a seeded sample of this many members (default: all of them)",
        )
        parser.add_argument(
            "--traits",
            choices=("auto", "yes", "no"),
            default="auto",
            help="also rank with profiles when every id is a member id (auto)",
        )

    def handle(self, *args, path: str, seed: int, k: int, hide: float, sample: int,
               traits: str, **options) -> None:  # fmt: skip
        if k < 1:
            raise CommandError(_("--k must be at least 1."))
        if not 0 < hide < 1:
            raise CommandError(_("--hide must be between 0 and 1."))
        if sample < 0:
            raise CommandError(_("--sample must be 0 (everyone) or more."))
        try:
            edge_list = read_edge_file(path)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
            ) from None
        for number, why in edge_list.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(_("line %(n)d: %(why)s (skipped)") % {"n": number, "why": why})
        if len(edge_list.problems) > SHOWN_PROBLEMS:
            self.stderr.write(
                _("... and %(n)d more bad lines") % {"n": len(edge_list.problems) - SHOWN_PROBLEMS}
            )
        if len(edge_list.edges) < 10:
            raise CommandError(
                _("Too few edges to evaluate (%(n)d).") % {"n": len(edge_list.edges)}
            )

        memory_traits = None
        if traits != "no":
            ids = {node for edge in edge_list.edges for node in edge}
            members = (
                set(Profile.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
                if edge_list.numeric
                else set()
            )
            if members == ids:
                memory_traits = MemoryTraits.from_database(sorted(ids))
            elif traits == "yes":
                raise CommandError(_("Not every id in the file is a member: cannot use profiles."))

        if edge_list.header is not None:
            self.stdout.write(
                _("line %(n)d counts nodes and edges: skipped as a header.")
                % {"n": edge_list.header}
            )
        nodes = len({node for edge in edge_list.edges for node in edge})
        self.stdout.write(
            _(
                "%(edges)d edges between %(nodes)d ids (%(dupes)d duplicates, %(loops)d "
                "self-loops and %(bad)d bad lines skipped); hiding %(share).0f%% with seed %(seed)d."
            )
            % {
                "edges": len(edge_list.edges),
                "nodes": nodes,
                "dupes": edge_list.duplicates,
                "loops": edge_list.self_loops,
                "bad": len(edge_list.problems),
                "share": hide * 100,
                "seed": seed,
            }
        )
        result = evaluate(
            edge_list.edges,
            share=hide,
            seed=seed,
            k=k,
            sample=sample or None,
            traits=memory_traits,
            label=edge_list.label,
        )
        self.stdout.write(
            _("%(edges)d edges hidden, sha256 %(digest)s")
            % {"edges": result.hidden_edges, "digest": result.digest}
        )
        self.stdout.write(
            _(
                "%(nodes)d members evaluated (%(skipped)d skipped: every edge hidden), "
                "%(hidden)d hidden edges to find (each from both ends)."
            )
            % {"nodes": result.nodes, "skipped": result.skipped, "hidden": result.hidden}
        )
        self.stdout.write(
            _("Our graph scoring: %(scoring)s (chosen on the kept edges).")
            % {"scoring": result.scoring}
        )
        width = max(len(score.name) for score in result.scores)
        # Labels outside the f-string, so xgettext extracts them.
        ranking, found = _("ranking"), _("found")
        header = f"{ranking:<{width}}  {f'recall@{k}':>10}  {f'precision@{k}':>12}  {found:>7}"
        self.stdout.write(header)
        for score in result.scores:
            self.stdout.write(
                f"{score.name:<{width}}  {score.recall:>10.4f}  {score.precision:>12.4f}  {score.hits:>7}"
            )
