"""The ranking's inputs read from the database, for one member at a time (live).

Every read is bounded: degrees and connections are fetched only for the sampled
connections, a huge neighbour list is read with a LIMIT, and the exact mutual
connections come from one query that returns only the edges that matter.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q

from guanxi.accounts.models import Education, Profile, ProfileTag
from guanxi.accounts.visibility import EVERY_MEMBER
from guanxi.network.affinity import Traits, load_traits
from guanxi.network.models import Block, Connection, ConnectionRequest, Dismissal
from guanxi.network.suggestions.rank import CircleSizes, Params

CHUNK = 500


def _table() -> str:
    return connection.ops.quote_name(Connection._meta.db_table)


def _chunks(ids: Sequence[int], size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


class SqlGraph:
    """The member graph, read from the connection table with raw SQL for speed."""

    # Counting the connections of a thousand mutual connections would cost more than
    # the rest of the computation; beyond this many, rank() estimates their weight.
    degree_lookup_limit: int | None = 200

    def neighbours(self, user_id: int) -> list[int]:
        table = _table()
        sql = (
            f"SELECT user_high_id FROM {table} WHERE user_low_id = %s "  # noqa: S608
            f"UNION ALL SELECT user_low_id FROM {table} WHERE user_high_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id, user_id])
            return [row[0] for row in cursor.fetchall()]

    def degrees(self, user_ids: Iterable[int]) -> dict[int, int]:
        ids = sorted(set(user_ids))
        found = dict.fromkeys(ids, 0)
        table = _table()
        with connection.cursor() as cursor:
            for chunk in _chunks(ids):
                marks = _marks(len(chunk))
                cursor.execute(
                    f"SELECT user_low_id, COUNT(*) FROM {table} "  # noqa: S608
                    f"WHERE user_low_id IN ({marks}) GROUP BY user_low_id "
                    f"UNION ALL SELECT user_high_id, COUNT(*) FROM {table} "
                    f"WHERE user_high_id IN ({marks}) GROUP BY user_high_id",
                    [*chunk, *chunk],
                )
                for uid, count in cursor.fetchall():
                    found[uid] += count
        return found

    def expand(
        self, user_ids: Sequence[int], degrees: Mapping[int, int], cap: int
    ) -> Iterable[tuple[int, Sequence[int]]]:
        small = [z for z in user_ids if 1 < degrees.get(z, 0) <= cap]
        large = [z for z in user_ids if degrees.get(z, 0) > cap]
        table = _table()
        lists: dict[int, list[int]] = defaultdict(list)
        with connection.cursor() as cursor:
            for chunk in _chunks(small):
                marks = _marks(len(chunk))
                cursor.execute(
                    f"SELECT user_low_id, user_high_id FROM {table} "  # noqa: S608
                    f"WHERE user_low_id IN ({marks}) "
                    f"UNION ALL SELECT user_low_id, user_high_id FROM {table} "
                    f"WHERE user_high_id IN ({marks})",
                    [*chunk, *chunk],
                )
                wanted = set(chunk)
                for low, high in cursor.fetchall():
                    if low in wanted:
                        lists[low].append(high)
                    if high in wanted:
                        lists[high].append(low)
            # A hub's list is read up to `cap` from each side and sampled down: what
            # it adds to any one candidate is small (1/ln of a large degree) anyway.
            for z in large:
                cursor.execute(
                    f"SELECT * FROM (SELECT user_high_id FROM {table} "  # noqa: S608
                    f"WHERE user_low_id = %s LIMIT %s) AS a UNION ALL SELECT * FROM "
                    f"(SELECT user_low_id FROM {table} WHERE user_high_id = %s LIMIT %s) AS b",
                    [z, cap, z, cap],
                )
                theirs = [row[0] for row in cursor.fetchall()]
                if len(theirs) > cap:
                    theirs = random.Random(z).sample(theirs, cap)
                lists[z] = theirs
        return lists.items()

    def mutual_edges(
        self,
        user_id: int,
        neighbours: set[int],
        candidates: Sequence[int],
        degrees: Mapping[int, int],
    ) -> dict[int, list[int]]:
        # The member's connections as a subquery rather than parameters: a hub has
        # thousands, more than some databases accept as parameters. Which side the
        # database walks matters. Walking the member's connections' edges costs the sum
        # of their degrees (known from the sample); walking the candidates' edges costs
        # the sum of theirs, estimated from the sample too (candidates reached through
        # many paths are popular: the degree-weighted mean). The unary + keeps the
        # planner from turning the candidate walk around.
        table = _table()
        mine = (
            f"SELECT user_high_id FROM {table} WHERE user_low_id = %s "  # noqa: S608
            f"UNION ALL SELECT user_low_id FROM {table} WHERE user_high_id = %s"
        )
        known = [degrees[z] for z in neighbours if z in degrees]
        walk_candidates = ""
        if known:
            own_walk = sum(known) * len(neighbours) / len(known)
            popular = sum(d * d for d in known) / max(sum(known), 1)
            if len(candidates) * popular < own_walk:
                walk_candidates = "+"
        found: dict[int, list[int]] = defaultdict(list)
        with connection.cursor() as cursor:
            for chunk in _chunks(list(candidates)):
                marks = _marks(len(chunk))
                cursor.execute(
                    f"SELECT user_low_id, user_high_id FROM {table} "  # noqa: S608
                    f"WHERE user_low_id IN ({marks}) AND {walk_candidates}user_high_id IN ({mine}) "
                    f"UNION ALL SELECT user_low_id, user_high_id FROM {table} "
                    f"WHERE user_high_id IN ({marks}) AND {walk_candidates}user_low_id IN ({mine})",
                    [*chunk, user_id, user_id, *chunk, user_id, user_id],
                )
                wanted = set(chunk)
                for low, high in cursor.fetchall():
                    if low in wanted:
                        found[low].append(high)
                    else:
                        found[high].append(low)
        return found

    def edges_among(self, user_ids: set[int]) -> list[tuple[int, int]]:
        ids = sorted(user_ids)
        if len(ids) < 2:
            return []
        table = _table()
        found: list[tuple[int, int]] = []
        with connection.cursor() as cursor:
            for chunk in _chunks(ids):
                marks = _marks(len(chunk))
                # Both ends in the set: the low end from this chunk, the high end from
                # all of them (a subquery-free IN list: at most the lookup limit).
                cursor.execute(
                    f"SELECT user_low_id, user_high_id FROM {table} "  # noqa: S608
                    f"WHERE user_low_id IN ({marks}) AND user_high_id IN ({_marks(len(ids))})",
                    [*chunk, *ids],
                )
                found.extend(cursor.fetchall())
        return found


class SqlTraits:
    """Profiles, circle sizes and circle members, read with the ORM."""

    def traits(self, user_ids: Iterable[int]) -> dict[int, Traits]:
        return load_traits(list(user_ids))

    def sizes(self, me: Traits) -> CircleSizes:
        """Counts of members per trait, cached a while: they move slowly and only
        weigh the traits against each other."""
        wanted = {f"{SIZE_KEY}tag:{t}": ("tag", t) for t in me.skills.keys() | me.interests.keys()}
        wanted.update({f"{SIZE_KEY}school:{k}": ("school", k) for k in me.schools})
        if me.company_key:
            wanted[f"{SIZE_KEY}company:{me.company_key}"] = ("company", me.company_key)
        if me.place_id is not None:
            wanted[f"{SIZE_KEY}place:{me.place_id}"] = ("place", me.place_id)
        # Keys are hashed: trait keys are member-typed text of any length and alphabet.
        hashed = {_cache_key(key): what for key, what in wanted.items()}
        found = cache.get_many(list(hashed))
        missing = [what for key, what in hashed.items() if key not in found]
        if missing:
            counted = _count_circles(missing)
            found.update(
                {_cache_key(f"{SIZE_KEY}{kind}:{key}"): n for (kind, key), n in counted.items()}
            )
            cache.set_many(
                {key: found[key] for key in hashed if key in found}, timeout=SIZE_CACHE_SECONDS
            )
        sizes = CircleSizes()
        for key, (kind, value) in hashed.items():
            n = found.get(key, 0)
            if kind == "tag":
                sizes.tags[value] = n
            elif kind == "school":
                sizes.schools[value] = n
            elif kind == "company":
                sizes.company = n
            else:
                sizes.city = n
        return sizes

    def circle_members(self, me: Traits, sizes: CircleSizes, params: Params) -> set[int]:
        pool = params.circle_pool
        found: set[int] = set()
        visible = Q(listed=True, user__is_active=True)
        if me.company_key:
            found.update(
                Profile.objects.filter(visible, EVERY_MEMBER.q("work"), company_key=me.company_key)
                .exclude(user_id=me.user_id)
                .order_by()
                .values_list("user_id", flat=True)[:pool]
            )
        for key in sorted(me.schools, key=lambda k: sizes.schools.get(k, 0)):
            found.update(
                Education.objects.filter(
                    EVERY_MEMBER.q("education", prefix="profile__"),
                    school_key=key,
                    profile__listed=True,
                    profile__user__is_active=True,
                )
                .exclude(profile_id=me.user_id)
                .order_by()  # index order: no sort of every member of a big circle
                .values_list("profile_id", flat=True)[:pool]
            )
        tags = [(t, ProfileTag.Kind.INTEREST, "interests") for t in me.interests] + [
            (t, ProfileTag.Kind.SKILL, "skills") for t in me.skills
        ]
        tags.sort(key=lambda item: (sizes.tags.get(item[0], 0), item[0]))
        for tag_id, kind, section in tags[: params.rare_tags]:
            found.update(
                ProfileTag.objects.filter(
                    EVERY_MEMBER.q(section, prefix="profile__"),
                    tag_id=tag_id,
                    kind=kind,
                    profile__listed=True,
                    profile__user__is_active=True,
                )
                .exclude(profile_id=me.user_id)
                .order_by()  # index order: no sort of every member of a big circle
                .values_list("profile_id", flat=True)[:pool]
            )
        return found


SIZE_KEY = "pymk-size:"
SIZE_CACHE_SECONDS = 3600


def _cache_key(text: str) -> str:
    return SIZE_KEY + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _count_circles(wanted: list[tuple[str, object]]) -> dict[tuple[str, object], int]:
    """How many members carry each trait (all members, whatever they show)."""
    counted: dict[tuple[str, object], int] = {}
    by_kind: dict[str, list] = defaultdict(list)
    for kind, value in wanted:
        by_kind[kind].append(value)
        counted[(kind, value)] = 0
    if by_kind["tag"]:
        for tag_id, n in (
            ProfileTag.objects.filter(tag_id__in=by_kind["tag"])
            .order_by()
            .values("tag_id")
            .annotate(n=Count("id"))
            .values_list("tag_id", "n")
        ):
            counted[("tag", tag_id)] = n
    if by_kind["school"]:
        for key, n in (
            Education.objects.filter(school_key__in=by_kind["school"])
            .order_by()
            .values("school_key")
            .annotate(n=Count("id"))  # a covering index count; repeat degrees are rare
            .values_list("school_key", "n")
        ):
            counted[("school", key)] = n
    for key in by_kind["company"]:
        counted[("company", key)] = Profile.objects.filter(company_key=key).count()
    for key in by_kind["place"]:
        counted[("place", key)] = Profile.objects.filter(place_id=key).count()
    return counted


def excluded_for(user_id: int) -> set[int]:
    """Members never suggested to `user_id` besides connections: a request either way
    (pending or ignored), a dismissal, a block either way."""
    requests = ConnectionRequest.objects.order_by()
    low = requests.filter(pair_low_id=user_id).values_list("pair_high_id", flat=True)
    high = requests.filter(pair_high_id=user_id).values_list("pair_low_id", flat=True)
    dismissed = Dismissal.objects.filter(user_id=user_id).values_list("candidate_id", flat=True)
    blocked = Block.objects.filter(blocker_id=user_id).values_list("blocked_id", flat=True)
    blockers = Block.objects.filter(blocked_id=user_id).values_list("blocker_id", flat=True)
    return set(low.union(high, dismissed, blocked, blockers, all=True))
