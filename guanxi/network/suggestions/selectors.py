"""People you may know, served: the stored suggestions still valid, and live ranking.

Suggestions are served from the Suggestion table (one indexed range read), written by
services.py (`refresh_member`, the graph hooks) and the full recompute (recompute.py).
Whatever may have changed since the computation (a request, a connection, a block, a
dismissal, a deactivated account) is filtered out when serving, and what a card
states is counted then: the mutual connections and their faces (one query for the
page) and the reasons, from what each profile shows to members at that moment (the
shared city through each member's place, named in the viewer's language).

Reading writes nothing: a list found stale, or a card found to state something no
longer true, asks the worker for a refresh (a task enqueued on commit, at most once per
LAZY_REFRESH_SECONDS per member).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.urls import reverse

from guanxi.accounts.models import Profile, User
from guanxi.accounts.selectors import MemberCard, member_cards
from guanxi.network.affinity import Affinity, affinity, load_traits, reasons
from guanxi.network.models import (
    Block,
    Connection,
    ConnectionRequest,
    Dismissal,
    Suggestion,
    SuggestionState,
)
from guanxi.network.suggestions.rank import DEFAULT_PARAMS, Params, Ranked, rank
from guanxi.network.suggestions.recompute import community_scoring
from guanxi.network.suggestions.sources import SqlGraph, SqlTraits, excluded_for

# A member whose list was shown while stale is refreshed at most this often.
LAZY_REFRESH_SECONDS = 300
# How many suggestions are stored, hence the most a page or the API can show.
KEEP_SERVED = DEFAULT_PARAMS.keep
# Stored rows read beyond a page's cards, to fill in for any that lost every reason.
SPARE_ROWS = 5
# Mutual connections shown as faces on a card (the query reads this many).
FACES = 2
# A page that has nothing stored yet ranks live while the member waits: tighter bounds
# than the background refresh (which then stores the full ranking).
# The background refresh of one member reads the graph with SQL: the same walk budget
# as the full recompute, over a fixed sample of at most 100 of the member's connections.
REFRESH_PARAMS = Params(neighbour_sample=100)
LIVE_PARAMS = Params(
    neighbour_sample=60, expand_cap=80, walk_budget=None, shortlist=40, circle_pool=8
)


def live_suggestions(user_id: int, *, params: Params = REFRESH_PARAMS) -> list[Ranked]:
    """Rank suggestions for one member straight from the graph (bounded reads), with
    the graph scoring the last full recompute chose for the community."""
    params = replace(params, scoring=community_scoring())
    return rank(user_id, SqlGraph(), SqlTraits(), excluded=excluded_for(user_id), params=params)


# --- Serving ------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionCard:
    member: MemberCard  # accounts' card: what the viewer may see of the candidate
    reasons: list[str]
    mutual_count: int  # counted when the card is shown
    score: float
    mutuals: list[CardMember]  # the first FACES mutual connections, shown as faces
    # The card's buttons (site-relative), built once per list rather than reversed per card.
    dismiss_url: str = ""
    introduce_url: str = ""

    @property
    def degree(self) -> int | None:
        """2 when a mutual connection is known (suggestions are never connections)."""
        return 2 if self.mutual_count else None


class CardPhoto:
    """A stored photo name, with what templates use of an ImageFieldFile (the faces of
    mutual connections; the candidate's own card is accounts' MemberCard)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __bool__(self) -> bool:
        return bool(self.name)

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


class CardProfile:
    __slots__ = ("display_name", "headline", "photo")

    def __init__(self, display_name: str, headline: str, photo: str):
        self.display_name = display_name
        self.headline = headline
        self.photo = CardPhoto(photo)

    initials = Profile.initials  # the same property, over display_name

    @property
    def photo_url(self) -> str | None:  # what {% avatar %} reads
        return self.photo.url if self.photo else None


class CardMember:
    """Just what a card shows of a member. Served lists build twenty of these per page
    view; full model instances cost more than the query that fetched them."""

    __slots__ = ("pk", "username", "is_demo", "profile")

    def __init__(self, pk: int, username: str, is_demo: bool, profile: CardProfile):
        self.pk = pk
        self.username = username
        self.is_demo = is_demo
        self.profile = profile

    @property
    def id(self) -> int:
        return self.pk

    @property
    def handle(self) -> str:
        return self.username


def _served_sql() -> str:
    """Stored rows minus whatever changed since they were computed, best first.

    Raw SQL: this runs on every page view, and building the same query with the ORM
    (seven NOT EXISTS) costs more than running it.
    """
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    return f"""
        SELECT s.candidate_id, s.mutual_count, s.score
        FROM {table(Suggestion)} s
        JOIN {table(User)} u ON u.id = s.candidate_id
        WHERE s.user_id = %(me)s AND u.is_active = %(yes)s
          AND NOT EXISTS (SELECT 1 FROM {table(Connection)} c
                          WHERE c.user_low_id = %(me)s AND c.user_high_id = s.candidate_id)
          AND NOT EXISTS (SELECT 1 FROM {table(Connection)} c
                          WHERE c.user_low_id = s.candidate_id AND c.user_high_id = %(me)s)
          AND NOT EXISTS (SELECT 1 FROM {table(ConnectionRequest)} r
                          WHERE r.pair_low_id = %(me)s AND r.pair_high_id = s.candidate_id)
          AND NOT EXISTS (SELECT 1 FROM {table(ConnectionRequest)} r
                          WHERE r.pair_low_id = s.candidate_id AND r.pair_high_id = %(me)s)
          AND NOT EXISTS (SELECT 1 FROM {table(Dismissal)} d
                          WHERE d.user_id = %(me)s AND d.candidate_id = s.candidate_id)
          AND NOT EXISTS (SELECT 1 FROM {table(Block)} b
                          WHERE b.blocker_id = %(me)s AND b.blocked_id = s.candidate_id)
          AND NOT EXISTS (SELECT 1 FROM {table(Block)} b
                          WHERE b.blocker_id = s.candidate_id AND b.blocked_id = %(me)s)
        ORDER BY s.score DESC, s.candidate_id
        LIMIT %(limit)s
    """  # noqa: S608 - table names from the models; values are parameters


def _served(user_id: int, limit: int) -> list[tuple[int, int, float]]:
    """(candidate id, stored mutual count, score) of the stored rows still valid."""
    with connection.cursor() as cursor:
        cursor.execute(_served_sql(), {"me": user_id, "yes": True, "limit": limit})
        return cursor.fetchall()


def _state(user_id: int) -> bool | None:
    """Whether the member's stored list is stale; None if never computed."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('stale')} FROM {q(SuggestionState._meta.db_table)} "  # noqa: S608
            f"WHERE {q('user_id')} = %s",
            [user_id],
        )
        found = cursor.fetchone()
    return None if found is None else bool(found[0])


def _mutuals_sql(candidates: int) -> str:
    """For each candidate: how many connections the viewer shares with them now, and
    the two of those with the lowest ids (the faces). Grouped rather than numbered with
    window functions: on SQLite that costs a quarter as much.

    Each of the candidates' connections is probed against the viewer in the pair index,
    rather than looked up in a list of the viewer's connections built first: that list
    was 5,000 rows for a hub, and cost 65 of the 75 ms of a hub's cards."""
    q = connection.ops.quote_name
    conn, user, profile = (q(model._meta.db_table) for model in (Connection, User, Profile))
    marks = ", ".join(["%s"] * candidates)

    def mine(z: str) -> str:  # z is one of the viewer's connections (params: viewer × 4)
        return (
            f"(({z} > %s AND EXISTS (SELECT 1 FROM {conn} p WHERE p.user_low_id = %s "  # noqa: S608
            f"AND p.user_high_id = {z})) OR ({z} < %s AND EXISTS (SELECT 1 FROM {conn} p "
            f"WHERE p.user_low_id = {z} AND p.user_high_id = %s)))"
        )

    return f"""
        WITH shared AS (
            SELECT c.user_low_id AS candidate, c.user_high_id AS z FROM {conn} c
            WHERE c.user_low_id IN ({marks}) AND {mine("c.user_high_id")}
            UNION ALL
            SELECT c.user_high_id, c.user_low_id FROM {conn} c
            WHERE c.user_high_id IN ({marks}) AND {mine("c.user_low_id")}
        ), counted AS (
            SELECT candidate, COUNT(*) AS n, MIN(z) AS first FROM shared GROUP BY candidate
        ), faces AS (
            SELECT candidate, n, first AS z FROM counted
            UNION ALL
            SELECT c.candidate, c.n, (SELECT MIN(s.z) FROM shared s
                                      WHERE s.candidate = c.candidate AND s.z > c.first)
            FROM counted c WHERE c.n > 1
        )
        SELECT f.candidate, f.n, f.z, u.username, u.is_demo,
               p.display_name, p.headline, p.photo
        FROM faces f
        JOIN {user} u ON u.id = f.z
        JOIN {profile} p ON p.user_id = f.z
        ORDER BY f.candidate, f.z
    """  # noqa: S608 - table names from the models; values are parameters


def mutuals_now(viewer_id: int, candidate_ids: list[int]) -> dict[int, tuple[int, list]]:
    """candidate id -> (mutual connections now, the first FACES of them as
    CardMembers), for a whole page of cards in one query. Candidates with none are
    left out."""
    if not candidate_ids:
        return {}
    params = [*candidate_ids, *[viewer_id] * 4, *candidate_ids, *[viewer_id] * 4]
    with connection.cursor() as cursor:
        cursor.execute(_mutuals_sql(len(candidate_ids)), params)
        rows = cursor.fetchall()
    found: dict[int, tuple[int, list]] = {}
    for candidate, n, uid, username, is_demo, name, headline, photo in rows:
        face = CardMember(uid, username, bool(is_demo), CardProfile(name, headline, photo or ""))
        found.setdefault(candidate, (n, []))[1].append(face)
    return found


def _cards(viewer: User, rows: list[tuple[int, int, float]], limit: int) -> list[SuggestionCard]:
    """Everything a card states is counted now, not when the suggestion was computed:
    the mutual connections and their faces (one query for the page), and the reasons
    from what each profile shows to members today. A suggestion left with no reason
    at all (its only mutual connection gone, a shared tag removed) is not shown, and
    the viewer's list is refreshed in the background."""
    viewer_id = viewer.pk
    # Both ways of getting rows leave out blocks already (the served query, excluded_for).
    shown = member_cards(viewer=viewer, ids=[uid for uid, _m, _s in rows], keep_blocked=True)
    members = {card.id: card for card in shown}
    ids = list(members)
    traits = load_traits([viewer_id, *ids])
    counted = mutuals_now(viewer_id, ids)
    mine = traits.get(viewer_id)
    cards: list[SuggestionCard] = []
    changed = False
    dismiss_url = _member_url("network_suggestion_dismiss")
    introduce_url = _member_url("network_introduction_ask")
    for uid, stored_count, score in rows:
        if uid not in members:
            continue
        mutual_count, faces = counted.get(uid, (0, []))
        changed |= mutual_count != stored_count
        theirs = traits.get(uid)
        found = affinity(mine, theirs) if mine and theirs else Affinity()
        said = reasons(found, mutual_count=mutual_count)
        if not said:
            changed = True
            continue
        if len(cards) < limit:
            cards.append(
                SuggestionCard(
                    members[uid],
                    said,
                    mutual_count,
                    score,
                    faces,
                    dismiss_url=dismiss_url(uid),
                    introduce_url=introduce_url(uid) if mutual_count else "",
                )
            )
    if changed:
        _refresh_later(viewer_id)
    return cards


_ID = 987654321  # stands for a member id while a URL pattern is reversed once


def _member_url(name: str):
    """The URL `name` takes a member's `user_id` in, as a function of the id: one
    reverse() for a list of cards instead of one per card."""
    head, _sep, tail = reverse(name, kwargs={"user_id": _ID}).partition(str(_ID))
    return lambda user_id: f"{head}{user_id}{tail}"


def _refresh_later(user_id: int) -> None:
    from guanxi.network.tasks import refresh_suggestions

    if cache.add(f"suggestions-refresh:{user_id}", 1, timeout=LAZY_REFRESH_SECONDS):
        transaction.on_commit(lambda: refresh_suggestions.enqueue(user_id))


def suggestions_for(viewer: User, *, limit: int = 20) -> list[SuggestionCard]:
    """The viewer's suggestions, best first, with their reasons (a handful of queries
    whatever the size of the community)."""
    stale = _state(viewer.pk)
    if stale is None:
        # Never computed (a new member, or before the first recompute): rank live
        # now and store in the background.
        _refresh_later(viewer.pk)
        ranked = live_suggestions(viewer.pk, params=LIVE_PARAMS)[:limit]
        return _cards(viewer, [(r.user_id, r.mutual_count, r.score) for r in ranked], limit)
    if stale:
        _refresh_later(viewer.pk)
    # A few more than shown, in case some lost every reason since they were stored.
    return _cards(viewer, _served(viewer.pk, limit + SPARE_ROWS), limit)
