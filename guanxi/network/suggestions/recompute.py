"""Everyone's suggestions at once, from the graph held in memory.

Per member the live path would cost a dozen queries; for a whole community it is far
cheaper to read the connection table, the profiles and the exclusions once and rank
every member in memory (with the same algorithm, rank.rank), optionally
in several processes that share the loaded data (fork).

Resumable and idempotent: a run is recorded in SuggestionRecompute; members computed
since the unfinished run started (by this run, or live by a graph hook) are skipped
when it resumes, and each batch is written in its own transaction.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from guanxi.accounts.models import Education, Profile, ProfileTag
from guanxi.network.affinity import Traits, load_traits
from guanxi.network.models import (
    Block,
    Connection,
    ConnectionRequest,
    Dismissal,
    Suggestion,
    SuggestionRecompute,
    SuggestionState,
)
from guanxi.network.suggestions.rank import (
    DEFAULT_PARAMS,
    SCORINGS,
    CircleSizes,
    GraphScoring,
    Params,
    rank,
)

# Candidates with more connections than this are intersected as sets (built once).
SET_AT_DEGREE = 64


class MemoryGraph:
    """Adjacency lists in memory; the same answers as SqlGraph, without queries."""

    degree_lookup_limit = None  # degrees are free here: rescoring is always exact

    def __init__(self, adjacency: Mapping[int, Sequence[int]]):
        self.adjacency = adjacency
        self._shuffled: dict[int, list[int]] = {}
        self._sets: dict[int, frozenset[int]] = {}

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[int, int]]) -> MemoryGraph:
        adjacency: dict[int, list[int]] = defaultdict(list)
        for a, b in edges:
            if a == b:
                continue
            adjacency[a].append(b)
            adjacency[b].append(a)
        return cls(dict(adjacency))

    @classmethod
    def from_database(cls) -> MemoryGraph:
        table = connection.ops.quote_name(Connection._meta.db_table)
        adjacency: dict[int, list[int]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT user_low_id, user_high_id FROM {table}")  # noqa: S608
            while rows := cursor.fetchmany(50_000):
                for low, high in rows:
                    adjacency[low].append(high)
                    adjacency[high].append(low)
        return cls(dict(adjacency))

    def neighbours(self, user_id: int) -> Sequence[int]:
        return self.adjacency.get(user_id, ())

    def degrees(self, user_ids: Iterable[int]) -> dict[int, int]:
        adjacency = self.adjacency
        return {z: len(adjacency.get(z, ())) for z in user_ids}

    def expand(
        self, user_ids: Sequence[int], degrees: Mapping[int, int], cap: int
    ) -> Iterable[tuple[int, Sequence[int]]]:
        for z in user_ids:
            theirs = self.adjacency.get(z, ())
            if len(theirs) > cap:
                # A fixed random order per hub, cut at the cap: the same member gets
                # the same sample whatever cap the walk's budget leaves.
                shuffled = self._shuffled.get(z)
                if shuffled is None:
                    shuffled = self._shuffled[z] = random.Random(z).sample(
                        list(theirs), len(theirs)
                    )
                theirs = shuffled[:cap]
            yield z, theirs

    def mutual_edges(
        self,
        user_id: int,
        neighbours: set[int],
        candidates: Sequence[int],
        degrees: Mapping[int, int],
    ) -> dict[int, list[int]]:
        adjacency = self.adjacency
        found = {}
        for candidate in candidates:
            theirs = adjacency.get(candidate, ())
            if len(theirs) > SET_AT_DEGREE and len(theirs) > len(neighbours):
                # A popular candidate: intersect sets, so the cost is the smaller side.
                their_set = self._sets.get(candidate)
                if their_set is None:
                    their_set = self._sets[candidate] = frozenset(theirs)
                shared = neighbours & their_set
            else:
                shared = neighbours.intersection(theirs)
            if shared:
                found[candidate] = list(shared)
        return found

    def edges_among(self, user_ids: set[int]) -> Iterable[tuple[int, int]]:
        adjacency = self.adjacency
        for a in user_ids:
            for b in adjacency.get(a, ()):
                if a < b and b in user_ids:
                    yield a, b


class MemoryTraits:
    """Every member's traits, circle sizes and circle indexes, loaded once."""

    def __init__(self, traits: dict[int, Traits], sizes: _Sizes):
        self.all = traits
        self.size = sizes
        self.companies: dict[str, list[int]] = defaultdict(list)
        self.schools: dict[str, list[int]] = defaultdict(list)
        self.interests: dict[int, list[int]] = defaultdict(list)
        self.skills: dict[int, list[int]] = defaultdict(list)
        for uid in sorted(traits):
            t = traits[uid]
            if not (t.listed and t.active):
                continue
            if t.company_key:
                self.companies[t.company_key].append(uid)
            for key in t.schools:
                self.schools[key].append(uid)
            for tag_id in t.interests:
                self.interests[tag_id].append(uid)
            for tag_id in t.skills:
                self.skills[tag_id].append(uid)

    @classmethod
    def from_database(cls, user_ids: Sequence[int] | None = None) -> MemoryTraits:
        if user_ids is None:
            user_ids = list(Profile.objects.order_by().values_list("user_id", flat=True))
        traits: dict[int, Traits] = {}
        ids = list(user_ids)
        for start in range(0, len(ids), 2000):
            traits.update(load_traits(ids[start : start + 2000]))
        return cls(traits, _Sizes.from_database())

    def traits(self, user_ids: Iterable[int]) -> dict[int, Traits]:
        everyone = self.all
        return {uid: everyone[uid] for uid in user_ids if uid in everyone}

    def sizes(self, me: Traits) -> CircleSizes:
        size = self.size
        return CircleSizes(
            tags={t: size.tags.get(t, 0) for t in me.skills.keys() | me.interests.keys()},
            company=size.companies.get(me.company_key, 0),
            schools={k: size.schools.get(k, 0) for k in me.schools},
            city=size.places.get(me.place_id, 0) if me.place_id is not None else 0,
        )

    def circle_members(self, me: Traits, sizes: CircleSizes, params: Params) -> set[int]:
        pool = params.circle_pool
        found: set[int] = set()

        def take(members: list[int]) -> None:
            found.update([uid for uid in members[: pool + 1] if uid != me.user_id][:pool])

        if me.company_key:
            take(self.companies.get(me.company_key, []))
        for key in me.schools:
            take(self.schools.get(key, []))
        tags = [(t, self.interests) for t in me.interests] + [(t, self.skills) for t in me.skills]
        tags.sort(key=lambda item: (sizes.tags.get(item[0], 0), item[0]))
        for tag_id, index in tags[: params.rare_tags]:
            take(index.get(tag_id, []))
        return found


@dataclass
class _Sizes:
    tags: dict[int, int]
    companies: dict[str, int]
    schools: dict[str, int]
    places: dict[int, int]

    @classmethod
    def from_database(cls) -> _Sizes:
        # The same counts as the live path (sources._count_circles).
        def counts(queryset, key: str, counted: str) -> dict:
            return dict(
                queryset.order_by().values(key).annotate(n=Count(counted)).values_list(key, "n")
            )

        return cls(
            tags=counts(ProfileTag.objects.all(), "tag_id", "id"),
            companies=counts(Profile.objects.exclude(company_key=""), "company_key", "user_id"),
            schools=counts(Education.objects.exclude(school_key=""), "school_key", "id"),
            places=counts(Profile.objects.filter(place__isnull=False), "place_id", "user_id"),
        )


def load_exclusions() -> dict[int, set[int]]:
    """Requests either way, dismissals and blocks either way, for every member."""
    excluded: dict[int, set[int]] = defaultdict(set)
    for a, b in ConnectionRequest.objects.order_by().values_list("pair_low_id", "pair_high_id"):
        excluded[a].add(b)
        excluded[b].add(a)
    for a, b in Block.objects.values_list("blocker_id", "blocked_id"):
        excluded[a].add(b)
        excluded[b].add(a)
    for a, b in Dismissal.objects.values_list("user_id", "candidate_id"):
        excluded[a].add(b)
    return excluded


# What the worker processes share (inherited at fork, never pickled).
_shared: dict = {}


# (candidate, score, mutual count, face 1, face 2): cheap to pickle
Rows = list[tuple[int, float, int, int | None, int | None]]


def _rank_batch(user_ids: list[int]) -> list[tuple[int, Rows]]:
    graph, traits, excluded, params = (
        _shared["graph"],
        _shared["traits"],
        _shared["excluded"],
        _shared["params"],
    )
    empty: set[int] = set()
    return [
        (
            uid,
            [
                (r.user_id, r.score, r.mutual_count, *r.face_ids)
                for r in rank(uid, graph, traits, excluded=excluded.get(uid, empty), params=params)
            ],
        )
        for uid in user_ids
    ]


@dataclass(frozen=True)
class RecomputeReport:
    run_id: int
    computed: int  # members ranked by this call
    skipped: int  # already done by this run before an interruption, or refreshed since
    rows: int  # suggestions written
    seconds: float
    resumed: bool
    scoring: str  # the graph scoring chosen for the community (rank.SCORINGS)


def _insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Suggestion._meta.get_field(name).column)
        for name in (
            "user",
            "candidate",
            "score",
            "mutual_count",
            "face_1",
            "face_2",
            "computed_at",
        )
    )
    return (
        f"INSERT INTO {quote(Suggestion._meta.db_table)} ({columns}) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )


def _write_batch(results: list[tuple[int, Rows]], snapshot_at) -> tuple[int, int]:
    """Store one batch; members refreshed live after the snapshot keep their rows."""
    ids = [uid for uid, _ranked in results]
    with transaction.atomic():
        fresher = set(
            SuggestionState.objects.filter(
                user_id__in=ids, computed_at__gt=snapshot_at
            ).values_list("user_id", flat=True)
        )
        keep = [(uid, ranked) for uid, ranked in results if uid not in fresher]
        Suggestion.objects.filter(user_id__in=[uid for uid, _r in keep]).delete()
        # Plain tuples through executemany: millions of rows, no model instances.
        stamp = connection.ops.adapt_datetimefield_value(snapshot_at)
        with connection.cursor() as cursor:
            cursor.executemany(
                _insert_sql(),
                [
                    (uid, candidate, score, mutual, face_1, face_2, stamp)
                    for uid, ranked in keep
                    for candidate, score, mutual, face_1, face_2 in ranked
                ],
            )
        # `stale` is left alone: a member marked since the snapshot is refreshed
        # again when next shown.
        SuggestionState.objects.bulk_create(
            [SuggestionState(user_id=uid, computed_at=snapshot_at) for uid, _r in keep],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["computed_at"],
        )
    return len(keep), sum(len(ranked) for _uid, ranked in keep)


def community_scoring() -> GraphScoring:
    """The graph scoring the latest finished recompute chose for this community."""
    name = (
        SuggestionRecompute.objects.filter(finished_at__isnull=False)
        .exclude(scoring="")
        .order_by("-pk")
        .values_list("scoring", flat=True)
        .first()
    )
    return SCORINGS.get(name or "", DEFAULT_PARAMS.scoring)


def recompute_all(
    *,
    processes: int = 1,
    batch_size: int = 1000,
    restart: bool = False,
    params: Params = DEFAULT_PARAMS,
    progress: Callable[[int, int], None] | None = None,
) -> RecomputeReport:
    """Rank and store every active member's suggestions; resume an unfinished run."""
    started = time.monotonic()
    run = SuggestionRecompute.objects.filter(finished_at__isnull=True).order_by("-pk").first()
    resumed = run is not None and not restart
    if run is not None and restart:
        SuggestionRecompute.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    if not resumed:
        run = SuggestionRecompute.objects.create(started_at=timezone.now())

    members = list(
        Profile.objects.filter(user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    done = set(
        SuggestionState.objects.filter(computed_at__gte=run.started_at).values_list(
            "user_id", flat=True
        )
    )
    todo = [uid for uid in members if uid not in done]

    snapshot_at = timezone.now()
    graph = MemoryGraph.from_database()
    # Imported here: calibration ranks with MemoryGraph, defined in this module.
    from guanxi.network.suggestions.calibration import choose_scoring

    scoring = SCORINGS.get(run.scoring) if resumed else None
    if scoring is None:
        scoring = choose_scoring(graph, params=params)[0]
        SuggestionRecompute.objects.filter(pk=run.pk).update(scoring=scoring.name)
    _shared.update(
        graph=graph,
        traits=MemoryTraits.from_database(),
        excluded=load_exclusions(),
        params=replace(params, scoring=scoring),
    )
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    computed = rows = skipped = 0
    try:
        if processes > 1 and len(batches) > 1:
            # Workers never touch the database: close it so no connection is shared.
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with context.Pool(processes) as pool:
                for results in pool.imap(_rank_batch, batches):
                    written, count = _write_batch(results, snapshot_at)
                    computed, rows, skipped = (
                        computed + written,
                        rows + count,
                        skipped + len(results) - written,
                    )
                    SuggestionRecompute.objects.filter(pk=run.pk).update(members_done=computed)
                    if progress:
                        progress(computed + skipped, len(todo))
        else:
            for batch in batches:
                written, count = _write_batch(_rank_batch(batch), snapshot_at)
                computed, rows, skipped = (
                    computed + written,
                    rows + count,
                    skipped + len(batch) - written,
                )
                SuggestionRecompute.objects.filter(pk=run.pk).update(members_done=computed)
                if progress:
                    progress(computed + skipped, len(todo))
    finally:
        _shared.clear()
    SuggestionRecompute.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    return RecomputeReport(
        run_id=run.pk,
        computed=computed,
        skipped=skipped + len(members) - len(todo),
        rows=rows,
        seconds=time.monotonic() - started,
        resumed=resumed,
        scoring=scoring.name,
    )
