"""Members who share an interest or skill: with one tag, or with the viewer's tags.

Ranked by how much they share with the viewer (each shared tag weighs more the rarer
it is) plus how close they are in the graph. A member's tag counts only where the viewer
may see that section (members, or connections for a 1st-degree connection); blocked
members never appear, and members who left the directory appear only to their
connections.

A capped ranking, like the directory's count: the candidates are a bounded pool read
from indexes, so a page costs the same few queries, and about the same time, whatever
the viewer's degree and however many members carry the viewer's tags. The pool is

- the holders of the viewer's tags, rarest tag first (a rare tag weighs most), until
  HOLDERS_READ_MAX index rows were read; on a tag's page, its holders first;
- the viewer's connections who show one of the tags, up to CLOSE_POOL_MAX (closeness
  weighs more than any one tag, so the best results are there);
- the same of the viewer's 2nd degree while it is small enough to be worked out.

Each pool member is then scored on everything they share with the viewer. When every
holder was read the list is complete; otherwise it says "at least" its size, and the
members left out are those who share only common tags with the viewer from afar.
Closeness enters the ranking as the 1st degree (an index probe per member) and the 2nd
degree (while the viewer's neighbourhood is at most FIRST_READ_MAX members and
SECOND_DEGREE_READ_MAX connections of theirs); the 3rd degree is shown on the cards of
the page, not ranked on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.db.models.expressions import RawSQL

from guanxi.accounts.models import Profile, ProfileTag, Tag, User, normalize_text
from guanxi.accounts.selectors import MemberCard, member_cards
from guanxi.accounts.visibility import Audience, member_audience
from guanxi.network import selectors
from guanxi.network.models import Block, Connection
from guanxi.network.suggestions.rank import rarity

PER_PAGE = 20
# Closeness in the ranking, in the same units as a shared tag's weight (about 0.1 for
# a very common tag up to 0.9 for a tag two members share).
FIRST_DEGREE_BONUS = 1.5
SECOND_DEGREE_BONUS = 1.0
# The pool: tag holders read (index rows), and close members added on top of them.
HOLDERS_READ_MAX = 1000
CLOSE_POOL_MAX = 300
# The 2nd degree is worked out (and ranked on) while the viewer has at most this many
# connections and they have at most this many connections in all; beyond, most of the
# community is within two steps and reading it would cost more than the page.
FIRST_READ_MAX = 500
SECOND_DEGREE_READ_MAX = 5000
COUNTS_CACHE_SECONDS = 300

# The profile section each kind of tag belongs to.
KINDS = {ProfileTag.Kind.SKILL: "skills", ProfileTag.Kind.INTEREST: "interests"}
_KIND_VALUES = [kind.value for kind in KINDS]
EXACT, AT_LEAST = "exact", "at_least"

_PT = connection.ops.quote_name(ProfileTag._meta.db_table)
_CONN = connection.ops.quote_name(Connection._meta.db_table)
# The connections of a member as one column (two index ranges).
_NEIGHBOURS = (
    f"SELECT user_high_id AS id FROM {_CONN} WHERE user_low_id = %s "  # noqa: S608 - model table
    f"UNION ALL SELECT user_low_id FROM {_CONN} WHERE user_high_id = %s"
)


@dataclass(frozen=True)
class SharedMember:
    member: MemberCard
    shared: list[str]  # names of the tags shared with the viewer (or the tag itself)
    degree: int | None
    score: float


def find_tag(text: str) -> Tag | None:
    """A tag by its key or its name, in any case and spacing."""
    key = normalize_text(text)
    return Tag.objects.filter(key=key).first() if key else None


def _edges_of(ids: list[int]) -> list[tuple[int, int]]:
    """Every connection touching `ids` (a page's members: a handful)."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT user_low_id, user_high_id FROM {_CONN} "  # noqa: S608 - model table
            f"WHERE user_low_id IN ({marks}) UNION ALL "
            f"SELECT user_low_id, user_high_id FROM {_CONN} WHERE user_high_id IN ({marks})",
            [*ids, *ids],
        )
        return cursor.fetchall()


def _second_degree(viewer_id: int) -> set[int] | None:
    """The viewer's 2nd degree, or None when their neighbourhood is too large to read
    (two bounded queries whatever the degree)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{_NEIGHBOURS} LIMIT %s", [viewer_id, viewer_id, FIRST_READ_MAX + 1])
        first = {row[0] for row in cursor.fetchall()}
        if len(first) > FIRST_READ_MAX:
            return None
        if not first:
            return set()
        cursor.execute(
            f"SELECT user_low_id, user_high_id FROM {_CONN} "  # noqa: S608 - model table
            f"WHERE user_low_id IN ({_NEIGHBOURS}) UNION ALL "
            f"SELECT user_low_id, user_high_id FROM {_CONN} WHERE user_high_id IN ({_NEIGHBOURS}) "
            "LIMIT %s",
            [viewer_id, viewer_id, viewer_id, viewer_id, SECOND_DEGREE_READ_MAX + 1],
        )
        edges = cursor.fetchall()
    if len(edges) > SECOND_DEGREE_READ_MAX:
        return None
    second = {node for edge in edges for node in edge}
    second -= first
    second.discard(viewer_id)
    return second


def _holder_counts(tag_ids: Iterable[int]) -> dict[tuple[str, int], int]:
    """Holders of each (kind, tag): index-only counts, cached a while (they set the
    rarity weights and the reading plan, which only need the order of magnitude)."""
    wanted = [(kind, tag_id) for tag_id in sorted(set(tag_ids)) for kind in KINDS]
    keys = {pair: f"shared:holders:{pair[0]}:{pair[1]}" for pair in wanted}
    cached = cache.get_many(list(keys.values()))
    counts = {pair: cached[key] for pair, key in keys.items() if key in cached}
    missing = [pair for pair in wanted if pair not in counts]
    if missing:
        fresh = dict.fromkeys(missing, 0)
        rows = (
            ProfileTag.objects.filter(tag_id__in={tag_id for _kind, tag_id in missing})
            .order_by()
            .values("kind", "tag_id")
            .annotate(n=Count("*"))
            .values_list("kind", "tag_id", "n")
        )
        for kind, tag_id, n in rows:
            if (kind, tag_id) in fresh:
                fresh[(kind, tag_id)] = n
        counts.update(fresh)
        cache.set_many({keys[pair]: n for pair, n in fresh.items()}, COUNTS_CACHE_SECONDS)
    return counts


def _weights(tag_ids: list[int], counts: dict[tuple[str, int], int]) -> dict[int, float]:
    """Each tag's weight: the rarer (members carrying it, either kind), the more."""
    return {t: rarity(sum(counts.get((kind, t), 0) for kind in KINDS)) for t in tag_ids}


def _allotment(estimate: int) -> int:
    """Holder rows to read for a tag counted `estimate`: the counts come from a cache a
    few minutes old, so read some slack beyond them."""
    return 2 * estimate + 100


def _by_rarity(
    tag_ids: list[int], counts: dict[tuple[str, int], int]
) -> list[tuple[int, str, int]]:
    """(holders, kind, tag) of the viewer's tags, the rarest (the weightiest) first."""
    return sorted((counts.get((kind, t), 0), kind, t) for t in tag_ids for kind in _KIND_VALUES)


def _in(values: list) -> tuple[str, list]:
    return ", ".join(["%s"] * len(values)), list(values)


class _Pool:
    """The bounded candidate pool as one SQL query (a UNION of index reads with LIMITs),
    used as a subquery by the scoring queries: no list of ids leaves the database."""

    def __init__(
        self,
        viewer_id: int,
        *,
        required: int | None,
        mine: list[int],
        counts: dict[tuple[str, int], int],
        second_known: bool,
    ):
        parts: list[str] = []
        params: list = []
        budget = HOLDERS_READ_MAX
        complete = True

        def read(kind: str, tag_id: int, share: int, must: str = "", must_params=()) -> bool:
            """Add the first holders of (kind, tag) to the pool, reading at most `share`
            of the budget; whether that is all of them (as far as the counts know)."""
            nonlocal budget
            take = min(_allotment(counts.get((kind, tag_id), 0)), share)
            if take <= 0:
                return False
            parts.append(self._holders(len(parts), must))
            params.extend([kind, tag_id, take, *must_params])
            budget -= take
            return take == _allotment(counts.get((kind, tag_id), 0))

        if required is not None:
            # On a tag's page a candidate must show that tag: its holders come first,
            # with half of the budget; the rest goes to those of them who also share
            # the viewer's rarest tags. The list is whole when every holder was read.
            for kind in _KIND_VALUES:
                complete &= read(kind, required, HOLDERS_READ_MAX // (2 * len(KINDS)))
            must = (
                f" WHERE EXISTS (SELECT 1 FROM {_PT} r WHERE r.profile_id = h.id "  # noqa: S608
                "AND r.kind IN (%s, %s) AND r.tag_id = %s)"
            )
            for _n, kind, tag_id in _by_rarity(mine, counts):
                if budget <= 0:
                    break
                read(kind, tag_id, budget, must, [*_KIND_VALUES, required])
        else:
            for _n, kind, tag_id in _by_rarity(mine, counts):
                complete &= budget > 0 and read(kind, tag_id, budget)
        wanted = [required] if required is not None else mine
        marks, tag_params = _in(wanted)
        holds = (
            f"EXISTS (SELECT 1 FROM {_PT} t WHERE t.profile_id = n.id "  # noqa: S608
            f"AND t.kind IN (%s, %s) AND t.tag_id IN ({marks}))"
        )
        parts.append(
            f"SELECT * FROM (SELECT n.id FROM ({_NEIGHBOURS}) AS n WHERE {holds} LIMIT %s) AS c1"  # noqa: S608
        )
        params += [viewer_id, viewer_id, *_KIND_VALUES, *tag_params, CLOSE_POOL_MAX]
        if second_known:
            edges = (
                f"SELECT c.user_high_id AS id FROM {_CONN} c WHERE c.user_low_id IN ({_NEIGHBOURS}) "  # noqa: S608
                f"UNION ALL SELECT c.user_low_id FROM {_CONN} c WHERE c.user_high_id IN ({_NEIGHBOURS})"
            )
            parts.append(
                f"SELECT * FROM (SELECT n.id FROM ({edges}) AS n WHERE {holds} LIMIT %s) AS c2"  # noqa: S608
            )
            params += [viewer_id] * 4 + [*_KIND_VALUES, *tag_params, CLOSE_POOL_MAX]
        self.sql = " UNION ".join(parts)
        self.params = params
        # Every holder was read: the close members are among them, the list is whole.
        self.complete = complete

    @staticmethod
    def _holders(number: int, must: str = "") -> str:
        """The first holders of one (kind, tag), as their own subselect (for the LIMIT);
        `must` filters them after the read, so the LIMIT bounds what is read."""
        return (
            f"SELECT * FROM (SELECT h.id FROM (SELECT profile_id AS id FROM {_PT} "  # noqa: S608
            f"WHERE kind = %s AND tag_id = %s LIMIT %s) AS h{must}) AS p{number}"
        )

    def ids(self) -> RawSQL:
        return RawSQL(self.sql, self.params)  # noqa: S611 - built from fixed SQL, values as params


@dataclass(frozen=True)
class _Ranked:
    user_id: int
    score: float
    connected: bool


class _Ranking:
    """The pool scored and ordered, with what the page needs to describe it."""

    def __init__(self, viewer: User, *, required: int | None, mine: list[int]):
        self.viewer_id = viewer.pk
        self.audience: Audience = member_audience(viewer.pk)
        counts = _holder_counts([*mine, *([required] if required is not None else [])])
        self.weights = _weights(mine, counts)
        self.second = _second_degree(viewer.pk)
        pool = _Pool(
            viewer.pk,
            required=required,
            mine=mine,
            counts=counts,
            second_known=self.second is not None,
        )
        self.count_is = EXACT if pool.complete else AT_LEAST
        self.tag_ids = [*([required] if required is not None else []), *mine]
        pk = OuterRef("user_id")
        profiles = (
            Profile.objects.filter(user_id__in=pool.ids(), user__is_active=True)
            .exclude(user_id=viewer.pk)
            .exclude(Exists(Block.objects.filter(blocker_id=viewer.pk, blocked_id=pk)))
            .exclude(Exists(Block.objects.filter(blocker_id=pk, blocked_id=viewer.pk)))
            .annotate(connected=selectors.connected_to(viewer.pk, "pk"))
            .values_list(
                "user_id", "listed", "name_key", "vis_skills", "vis_interests", "connected"
            )
        )
        # Which kinds (sections) of each candidate the viewer may see.
        self.visible: dict[int, set[str]] = {}
        names: dict[int, str] = {}
        self.connected: set[int] = set()
        for uid, listed, name_key, vis_skills, vis_interests, connected in profiles:
            if not listed and not connected:
                continue
            levels = {ProfileTag.Kind.SKILL: vis_skills, ProfileTag.Kind.INTEREST: vis_interests}
            self.visible[uid] = {
                kind
                for kind, level in levels.items()
                if self.audience.sees(level, uid, connected=bool(connected))
            }
            names[uid] = name_key
            if connected:
                self.connected.add(uid)
        marks, tag_params = _in(self.tag_ids)
        with connection.cursor() as cursor:
            # The pool drives (CROSS JOIN keeps SQLite's order): a probe of each member's
            # tags, not a walk over every holder of a common tag checked against the pool.
            cursor.execute(
                f"SELECT t.profile_id, t.kind, t.tag_id FROM ({pool.sql}) AS pool "  # noqa: S608
                f"CROSS JOIN {_PT} t WHERE t.profile_id = pool.id AND t.kind IN (%s, %s) "
                f"AND t.tag_id IN ({marks})",
                [*pool.params, *_KIND_VALUES, *tag_params],
            )
            tags = cursor.fetchall()
        self.shown: dict[int, set[int]] = defaultdict(set)  # tags each shows the viewer
        scores: dict[int, float] = defaultdict(float)
        for uid, kind, tag_id in tags:
            if kind in self.visible.get(uid, ()):
                self.shown[uid].add(tag_id)
                scores[uid] += self.weights.get(tag_id, 0.0)
        qualifying = [
            uid
            for uid in self.shown
            if (required in self.shown[uid] if required is not None else self.shown[uid])
        ]
        for uid in qualifying:
            if uid in self.connected:
                scores[uid] += FIRST_DEGREE_BONUS
            elif self.second is not None and uid in self.second:
                scores[uid] += SECOND_DEGREE_BONUS
        self.ranked = sorted(
            (_Ranked(uid, scores[uid], uid in self.connected) for uid in qualifying),
            key=lambda r: (-r.score, names[r.user_id], r.user_id),
        )

    def degrees(self, member_ids: list[int]) -> dict[int, int | None]:
        """1st, 2nd or 3rd degree of each member of a page (one query for all)."""
        found: dict[int, int | None] = {}
        rest = []
        for uid in member_ids:
            if uid in self.connected:
                found[uid] = 1
            elif self.second is not None and uid in self.second:
                found[uid] = 2
            else:
                rest.append(uid)
        if not rest:
            return found
        if self.second is None:
            # Too many to hold: ask the database which of them share a connection with
            # the viewer (a probe of the pair index per connection of theirs).
            close = _share_a_connection(self.viewer_id, rest)
            return {**found, **{uid: 2 if uid in close else None for uid in rest}}
        theirs: dict[int, set[int]] = {uid: set() for uid in rest}
        for low, high in _edges_of(rest):
            if low in theirs:
                theirs[low].add(high)
            if high in theirs:
                theirs[high].add(low)
        for uid in rest:
            found[uid] = 3 if theirs[uid] & self.second else None
        return found


def _share_a_connection(viewer_id: int, ids: list[int]) -> set[int]:
    """Which of `ids` have a connection in common with the viewer: their connections,
    each probed against the viewer in the pair index (one query)."""
    marks, params = _in(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT e.member FROM (SELECT user_low_id AS member, user_high_id AS other "  # noqa: S608
            f"FROM {_CONN} WHERE user_low_id IN ({marks}) UNION ALL SELECT user_high_id, "
            f"user_low_id FROM {_CONN} WHERE user_high_id IN ({marks})) AS e "
            f"WHERE EXISTS (SELECT 1 FROM {_CONN} p WHERE p.user_low_id = e.other "
            f"AND p.user_high_id = %s) OR EXISTS (SELECT 1 FROM {_CONN} p "
            "WHERE p.user_low_id = %s AND p.user_high_id = e.other)",
            [*params, *params, viewer_id, viewer_id],
        )
        return {row[0] for row in cursor.fetchall()}


class SharedPage(Page):
    """A page of the ranking; `count_is` says whether the count is exact or a floor."""

    count_is: str = EXACT


def _page(viewer: User, ranking: _Ranking, page) -> SharedPage:
    paginator = Paginator(ranking.ranked, PER_PAGE)
    found = paginator.get_page(page)
    rows: list[_Ranked] = list(found.object_list)
    ids = [row.user_id for row in rows]
    names = dict(Tag.objects.filter(pk__in=ranking.tag_ids).values_list("pk", "name"))
    degrees = ranking.degrees(ids)
    # Blocks were excluded by the ranking already.
    cards = {card.id: card for card in member_cards(viewer=viewer, ids=ids, keep_blocked=True)}
    items = [
        SharedMember(
            cards[row.user_id],
            sorted({names[t] for t in ranking.shown[row.user_id] if t in names}),
            degrees.get(row.user_id),
            row.score,
        )
        for row in rows
        if row.user_id in cards
    ]
    out = SharedPage(items, found.number, paginator)
    out.count_is = ranking.count_is
    return out


def members_sharing_tag(viewer: User, tag: Tag, *, page: int | str | None = 1) -> SharedPage:
    """Members who show `tag` (as a skill or an interest) to the viewer."""
    mine = list(
        ProfileTag.objects.filter(profile_id=viewer.pk)
        .exclude(tag=tag)
        .order_by()
        .values_list("tag_id", flat=True)
        .distinct()
    )
    return _page(viewer, _Ranking(viewer, required=tag.pk, mine=mine), page)


def members_sharing_my_tags(viewer: User, *, page: int | str | None = 1) -> SharedPage:
    """Members who show any of the viewer's skills or interests to the viewer."""
    mine = list(
        ProfileTag.objects.filter(profile_id=viewer.pk)
        .order_by()
        .values_list("tag_id", flat=True)
        .distinct()
    )
    if not mine:
        empty = Paginator([], PER_PAGE)
        return SharedPage([], 1, empty)
    return _page(viewer, _Ranking(viewer, required=None, mine=mine), page)
