"""People you may know, served: the stored suggestions still valid, and live ranking.

Suggestions are served from the Suggestion table (one indexed range read), written by
services.py (`refresh_member`, the graph hooks) and the full recompute (recompute.py).
Whatever may have changed since the computation (a request, a connection, a block, a
dismissal, a deactivated account) is filtered out when serving. A card states the
mutual-connection count stored by the last computation, and shows the faces stored with
it only if they are still true (checked in the same query, a few index probes each); its
reasons come from what each profile shows to members at that moment (the shared city
through each member's place, named in the viewer's language). Nothing here costs more
for a viewer or candidates with more connections. docs/DESIGN-network.md says how
stale a count can get.

Reading writes nothing: a list found stale, or a card found to hold something no
longer true, asks the worker for a refresh (a task enqueued on commit, at most once per
LAZY_REFRESH_SECONDS per member).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse

from guanxi.accounts.models import User
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
    mutual_count: int  # as the last computation of the viewer's list counted them
    score: float
    mutuals: list[MemberCard]  # the stored faces still true now (at most rank.FACES)
    # The card's buttons (site-relative), built once per list rather than reversed per card.
    dismiss_url: str = ""
    introduce_url: str = ""

    @property
    def degree(self) -> int | None:
        """2 when a mutual connection is known (suggestions are never connections)."""
        return 2 if self.mutual_count else None


class Row(NamedTuple):
    """A suggestion to show: from the table (checked now) or ranked live."""

    candidate: int
    mutual_count: int
    score: float
    faces: tuple[int, ...]  # the stored faces that passed the check
    faces_failed: bool  # a stored face did not: the list is out of date


def _served_sql() -> str:
    """Stored rows minus whatever changed since they were computed, best first, with
    each stored face checked: still connected to the viewer and to the candidate, and
    no block either way between it and the viewer.

    Raw SQL: this runs on every page view, and building the same query with the ORM
    (seven NOT EXISTS) costs more than running it. The faces are checked on the rows
    kept only (the inner query's LIMIT), by probes of the pair indexes.
    """
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    conn, block = table(Connection), table(Block)

    def linked(a: str, z: str) -> str:  # a connection between a and z, stored low id first
        return (
            f"(({z} > {a} AND EXISTS (SELECT 1 FROM {conn} p "  # noqa: S608
            f"WHERE p.user_low_id = {a} AND p.user_high_id = {z})) "
            f"OR ({z} < {a} AND EXISTS (SELECT 1 FROM {conn} p "
            f"WHERE p.user_low_id = {z} AND p.user_high_id = {a})))"
        )

    def true_now(z: str) -> str:
        return (
            f"CASE WHEN {linked('%(me)s', z)} AND {linked('s.candidate_id', z)} "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {block} b WHERE b.blocker_id = %(me)s "
            f"AND b.blocked_id = {z}) AND NOT EXISTS (SELECT 1 FROM {block} b "
            f"WHERE b.blocker_id = {z} AND b.blocked_id = %(me)s) THEN 1 ELSE 0 END"
        )

    return f"""
        SELECT s.candidate_id, s.mutual_count, s.score,
               s.face_1_id, {true_now("s.face_1_id")}, s.face_2_id, {true_now("s.face_2_id")}
        FROM (
            SELECT s.candidate_id, s.mutual_count, s.score, s.face_1_id, s.face_2_id
            FROM {table(Suggestion)} s
            JOIN {table(User)} u ON u.id = s.candidate_id
            WHERE s.user_id = %(me)s AND u.is_active = %(yes)s
              AND NOT EXISTS (SELECT 1 FROM {conn} c
                              WHERE c.user_low_id = %(me)s AND c.user_high_id = s.candidate_id)
              AND NOT EXISTS (SELECT 1 FROM {conn} c
                              WHERE c.user_low_id = s.candidate_id AND c.user_high_id = %(me)s)
              AND NOT EXISTS (SELECT 1 FROM {table(ConnectionRequest)} r
                              WHERE r.pair_low_id = %(me)s AND r.pair_high_id = s.candidate_id)
              AND NOT EXISTS (SELECT 1 FROM {table(ConnectionRequest)} r
                              WHERE r.pair_low_id = s.candidate_id AND r.pair_high_id = %(me)s)
              AND NOT EXISTS (SELECT 1 FROM {table(Dismissal)} d
                              WHERE d.user_id = %(me)s AND d.candidate_id = s.candidate_id)
              AND NOT EXISTS (SELECT 1 FROM {block} b
                              WHERE b.blocker_id = %(me)s AND b.blocked_id = s.candidate_id)
              AND NOT EXISTS (SELECT 1 FROM {block} b
                              WHERE b.blocker_id = s.candidate_id AND b.blocked_id = %(me)s)
            ORDER BY s.score DESC, s.candidate_id
            LIMIT %(limit)s
        ) s
        ORDER BY s.score DESC, s.candidate_id
    """  # noqa: S608 - table names from the models; values are parameters


def _served(user_id: int, limit: int) -> list[Row]:
    """The stored rows still valid, best first, their faces checked."""
    with connection.cursor() as cursor:
        cursor.execute(_served_sql(), {"me": user_id, "yes": True, "limit": limit})
        found = cursor.fetchall()
    rows = []
    for candidate, count, score, face_1, ok_1, face_2, ok_2 in found:
        stored = ((face_1, ok_1), (face_2, ok_2))
        rows.append(
            Row(
                candidate,
                count,
                score,
                faces=tuple(face for face, ok in stored if face is not None and ok),
                faces_failed=any(face is not None and not ok for face, ok in stored),
            )
        )
    return rows


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


def _shown(viewer: User, rows: list[Row], limit: int) -> list[tuple[Row, list[str]]]:
    """The rows to show, with their reasons: the stored count, the faces that passed
    their check, and the reasons from what each profile shows to members today. A
    suggestion left with no reason at all (a shared tag removed, nobody in common any
    more) is not shown, and a list with anything out of date is refreshed in the
    background."""
    viewer_id = viewer.pk
    # The traits decide which rows are shown (a profile, an active account, a reason),
    # so only their cards are built, the spare rows' and their faces' are not.
    traits = load_traits([viewer_id, *(row.candidate for row in rows)])
    mine = traits.get(viewer_id)
    changed = any(row.faces_failed for row in rows)
    shown: list[tuple[Row, list[str]]] = []
    for row in rows:
        theirs = traits.get(row.candidate)
        if theirs is None or not theirs.active:
            continue
        said = reasons(
            affinity(mine, theirs) if mine else Affinity(), mutual_count=row.mutual_count
        )
        if not said:
            changed = True
        elif len(shown) < limit:
            shown.append((row, said))
    if changed:
        _refresh_later(viewer_id)
    return shown


def _cards(
    shown: list[tuple[Row, list[str]]], members: dict[int, MemberCard]
) -> list[SuggestionCard]:
    dismiss_url = _member_url("network_suggestion_dismiss")
    introduce_url = _member_url("network_introduction_ask")
    return [
        SuggestionCard(
            members[row.candidate],
            said,
            row.mutual_count,
            row.score,
            [members[face] for face in row.faces if face in members],
            dismiss_url=dismiss_url(row.candidate),
            introduce_url=introduce_url(row.candidate) if row.mutual_count else "",
        )
        for row, said in shown
        if row.candidate in members
    ]


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


def _rows(viewer: User, limit: int) -> list[Row]:
    stale = _state(viewer.pk)
    if stale is None:
        # Never computed (a new member, or before the first recompute): rank live
        # now (its faces are true now) and store in the background.
        _refresh_later(viewer.pk)
        ranked = live_suggestions(viewer.pk, params=LIVE_PARAMS)[:limit]
        return [Row(r.user_id, r.mutual_count, r.score, r.faces, False) for r in ranked]
    if stale:
        _refresh_later(viewer.pk)
    # A few more than shown, in case some lost every reason since they were stored.
    return _served(viewer.pk, limit + SPARE_ROWS)


def suggestions_for(viewer: User, *, limit: int = 20) -> list[SuggestionCard]:
    """The viewer's suggestions, best first, with their reasons (a handful of queries
    whatever the size of the community and the viewer's number of connections)."""
    return suggestions_and_cards(viewer, limit=limit)[0]


def suggestions_and_cards(
    viewer: User, *, limit: int = 20, also: Sequence[int] = ()
) -> tuple[list[SuggestionCard], list[MemberCard]]:
    """suggestions_for, and the cards of the members `also` (in that order) built in the
    same member_cards call: a page listing both (the home page's newest members) builds
    its cards in one pass. The caller has left out of `also` members blocked either way."""
    shown = _shown(viewer, _rows(viewer, limit), limit)
    # One call for the candidates, the faces and `also` (candidates and faces are
    # never one another: candidates are not connections). Blocks are left out already:
    # the served query and excluded_for for candidates, the faces' check for faces;
    # member_cards leaves out the inactive.
    ids = [row.candidate for row, _said in shown]
    faces = [face for row, _said in shown for face in row.faces]
    members = {
        card.id: card
        for card in member_cards(viewer=viewer, ids=[*also, *ids, *faces], keep_blocked=True)
    }
    return _cards(shown, members), [members[pk] for pk in also if pk in members]
