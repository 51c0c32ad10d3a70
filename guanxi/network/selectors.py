"""Reads of the member graph: neighbours, degrees, mutual connections, blocks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, F, Func, OuterRef, Q, QuerySet, Subquery

from guanxi.accounts.models import User
from guanxi.accounts.selectors import Face, MemberCard, faces, member_cards
from guanxi.network.models import Block, Connection, ConnectionRequest, Follow, PrivacySettings


def pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def are_connected(a_id: int, b_id: int) -> bool:
    if a_id == b_id:
        return False
    low, high = pair(a_id, b_id)
    return Connection.objects.filter(user_low_id=low, user_high_id=high).exists()


def connection_ids(user_id: int) -> set[int]:
    """Ids of everyone `user_id` is connected to (two index range scans)."""
    rows = Connection.objects.filter(Q(user_low_id=user_id) | Q(user_high_id=user_id)).values_list(
        "user_low_id", "user_high_id"
    )
    return {high if low == user_id else low for low, high in rows}


class ConnectedTo(Func):
    """True when the row's `column` (a member id) is connected to `viewer_id`: one
    primary-key probe of the connections table per row, so its cost does not grow with
    either member's degree (a semi-join, never a list of ids). The pair is stored low,
    high: compare first, then probe the one index that can hold it."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, viewer_id: int):
        super().__init__(F(column))
        self.viewer_id = viewer_id

    def as_sql(  # noqa: PLR0913 - Func's signature
        self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context
    ):
        column, params = compiler.compile(self.source_expressions[0])
        table = connection.ops.quote_name(_T)
        sql = (
            f"(({column} > %s AND EXISTS (SELECT 1 FROM {table} "  # noqa: S608 - model table
            f"WHERE user_low_id = %s AND user_high_id = {column})) "
            f"OR ({column} < %s AND EXISTS (SELECT 1 FROM {table} "
            f"WHERE user_low_id = {column} AND user_high_id = %s)))"
        )
        viewer = self.viewer_id
        return sql, [*params, viewer, viewer, *params, *params, viewer, *params, viewer]


def connected_to(viewer_id: int, column: str = "pk") -> ConnectedTo:
    """The condition "`column` is one of `viewer_id`'s connections", for a filter or an
    annotation on any query that has the member id at `column`."""
    return ConnectedTo(column, viewer_id)


def connections_queryset(user_id: int) -> QuerySet[User]:
    """The members `user_id` is connected to, as a User queryset (for pages and the API)."""
    low = Connection.objects.filter(user_high_id=user_id).values("user_low_id")
    high = Connection.objects.filter(user_low_id=user_id).values("user_high_id")
    return User.objects.filter(Q(pk__in=low) | Q(pk__in=high))


def connection_count(user_id: int) -> int:
    return Connection.objects.filter(Q(user_low_id=user_id) | Q(user_high_id=user_id)).count()


def blocked_either_way_ids(user_id: int) -> set[int]:
    """Members hidden from `user_id`: those they blocked and those who blocked them.
    Raw SQL: every page that shows members asks, and building the query with the ORM
    cost several times what running it does."""
    table = connection.ops.quote_name(Block._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT blocked_id FROM {table} WHERE blocker_id = %s "  # noqa: S608 - model table
            f"UNION ALL SELECT blocker_id FROM {table} WHERE blocked_id = %s",
            [user_id, user_id],
        )
        return {row[0] for row in cursor.fetchall()}


def blocks_made(user_id: int) -> QuerySet[Block]:
    """The blocks `user_id` made (their block list)."""
    return Block.objects.filter(blocker_id=user_id)


def blocked_ids(user_id: int) -> QuerySet:
    """The ids of the members `user_id` blocked, latest block first (for a page of
    cards: member_cards(..., keep_blocked=True))."""
    return blocks_made(user_id).order_by("-created_at", "-pk").values_list("blocked_id", flat=True)


def is_blocked_either_way(a_id: int, b_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def is_following(follower_id: int, followee_id: int) -> bool:
    return Follow.objects.filter(follower_id=follower_id, followee_id=followee_id).exists()


def mutual_connection_ids(a_id: int, b_id: int) -> set[int]:
    return connection_ids(a_id) & connection_ids(b_id)


def may_see_connections(viewer, owner_id: int, *, connected: bool | None = None) -> bool:
    """Whether `viewer` may list `owner_id`'s connections (their privacy setting decides).
    `connected`: whether the two are connected, when the caller knows already."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == owner_id:
        return True
    audience = _connections_visible_to(owner_id)
    if audience == PrivacySettings.ListAudience.MEMBERS:
        return True
    if audience == PrivacySettings.ListAudience.CONNECTIONS:
        return are_connected(viewer.pk, owner_id) if connected is None else connected
    return False


def connections_page_queryset(
    owner_id: int, *, viewer_id: int | None, q: str = "", sort: str = "name"
):
    """Connections of `owner_id` with profiles, filtered by name/handle and sorted by
    name or by when the connection was made; members blocked either way with the
    viewer are left out."""
    users = connections_queryset(owner_id).filter(is_active=True).select_related("profile")
    if viewer_id is not None:
        hidden = blocked_either_way_ids(viewer_id)
        if hidden:
            users = users.exclude(pk__in=hidden)
    q = " ".join(q.split()).casefold()
    if q:
        users = users.filter(Q(profile__name_key__contains=q) | Q(username__startswith=q))
    if sort == "recent":
        made = Connection.objects.filter(
            Q(user_low_id=owner_id, user_high_id=OuterRef("pk"))
            | Q(user_high_id=owner_id, user_low_id=OuterRef("pk"))
        ).values("created_at")[:1]
        return users.annotate(connected_at=Subquery(made)).order_by("-connected_at", "pk")
    return users.order_by("profile__name_key", "pk")


def _connections_visible_to(user_id: int) -> str:
    """Who may list the member's connections. Raw SQL: every profile page asks (the
    relationship panel), and building the query with the ORM cost more than running it."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('connections_visible_to')} "  # noqa: S608 - model table
            f"FROM {q(PrivacySettings._meta.db_table)} WHERE {q('user_id')} = %s",
            [user_id],
        )
        found = cursor.fetchone()
    return found[0] if found else PrivacySettings.ListAudience.MEMBERS


def privacy_for(user_id: int) -> PrivacySettings:
    """The member's privacy settings (defaults when never saved; not written on read)."""
    found = PrivacySettings.objects.filter(user_id=user_id).first()
    return found or PrivacySettings(user_id=user_id)


def pending_request_between(a_id: int, b_id: int) -> ConnectionRequest | None:
    low, high = pair(a_id, b_id)
    return ConnectionRequest.objects.filter(pair_low_id=low, pair_high_id=high).first()


# Beyond this many connections on the smaller side we stop looking for a 3rd degree:
# the answer for two hubs is "3rd+" rather than a walk over millions of paths.
THIRD_DEGREE_EXPANSION_CAP = 2000

_T = Connection._meta.db_table
# The connections of a member as one column (two index range scans).
_NEIGHBOURS = (
    f'SELECT user_high_id AS id FROM "{_T}" WHERE user_low_id = %s '  # noqa: S608 - model table
    f'UNION ALL SELECT user_low_id FROM "{_T}" WHERE user_high_id = %s'
)


def _count(cursor, user_id: int) -> int:
    cursor.execute(
        f'SELECT (SELECT COUNT(*) FROM "{_T}" WHERE user_low_id = %s)'  # noqa: S608
        f' + (SELECT COUNT(*) FROM "{_T}" WHERE user_high_id = %s)',
        [user_id, user_id],
    )
    return cursor.fetchone()[0]


def _is_second_degree(cursor, small: int, large: int) -> bool:
    """Some connection of `small` is connected to `large`: one primary-key probe per
    connection of the smaller side, stopping at the first hit."""
    cursor.execute(
        f"SELECT 1 FROM ({_NEIGHBOURS}) AS a WHERE EXISTS "  # noqa: S608
        f'(SELECT 1 FROM "{_T}" WHERE user_low_id = a.id AND user_high_id = %s) '
        f'OR EXISTS (SELECT 1 FROM "{_T}" WHERE user_low_id = %s AND user_high_id = a.id) LIMIT 1',
        [small, small, large, large],
    )
    return cursor.fetchone() is not None


def _is_third_degree(cursor, small: int, large: int) -> bool:
    """An edge between the two neighbourhoods. The unary + keeps the database from using
    the index on the second column, so it walks the smaller neighbourhood's edges and
    stops at the first that lands in the other's."""
    cursor.execute(
        f'SELECT 1 FROM "{_T}" WHERE user_low_id IN ({_NEIGHBOURS}) '  # noqa: S608
        f"AND +user_high_id IN ({_NEIGHBOURS}) "
        f'UNION ALL SELECT 1 FROM "{_T}" WHERE user_high_id IN ({_NEIGHBOURS}) '
        f"AND +user_low_id IN ({_NEIGHBOURS}) LIMIT 1",
        [small, small, large, large, small, small, large, large],
    )
    return cursor.fetchone() is not None


def degree(viewer_id: int, other_id: int) -> int | None:
    """1, 2 or 3 for the distance in the graph; None when further (or the same member).

    SQL probes that stop at the first hit, driven from the side with fewer connections:
    the cost grows with the smaller degree, not with the number of paths.
    """
    if viewer_id == other_id:
        return None
    low, high = pair(viewer_id, other_id)
    if Connection.objects.filter(user_low_id=low, user_high_id=high).exists():
        return 1
    with connection.cursor() as cursor:
        viewer_count, other_count = _count(cursor, viewer_id), _count(cursor, other_id)
        if not viewer_count or not other_count:
            return None
        small, large = (
            (viewer_id, other_id) if viewer_count <= other_count else (other_id, viewer_id)
        )
        if _is_second_degree(cursor, small, large):
            return 2
        if min(viewer_count, other_count) > THIRD_DEGREE_EXPANSION_CAP:
            return None
        return 3 if _is_third_degree(cursor, small, large) else None


@dataclass(frozen=True)
class Relationship:
    """What the viewer's relation to another member is, for the profile's button."""

    degree: int | None
    connected: bool
    request_sent: bool  # viewer asked them, still open
    request_received: bool  # they asked the viewer, still open
    request_id: int | None
    following: bool
    mutual_count: int
    mutual_sample: list[Face]


_F = Follow._meta.db_table
_R = ConnectionRequest._meta.db_table
# Everything the panel needs about the pair in one statement of index probes: both
# degrees (to drive the mutual probe from the smaller side), whether they are
# connected, whether the viewer follows, and the open invitation between them.
_PAIR = (
    f'SELECT (SELECT COUNT(*) FROM "{_T}" WHERE user_low_id = %s)'  # noqa: S608 - model tables
    f' + (SELECT COUNT(*) FROM "{_T}" WHERE user_high_id = %s),'
    f' (SELECT COUNT(*) FROM "{_T}" WHERE user_low_id = %s)'
    f' + (SELECT COUNT(*) FROM "{_T}" WHERE user_high_id = %s),'
    f' EXISTS (SELECT 1 FROM "{_T}" WHERE user_low_id = %s AND user_high_id = %s),'
    f' EXISTS (SELECT 1 FROM "{_F}" WHERE follower_id = %s AND followee_id = %s),'
    f' (SELECT id FROM "{_R}" WHERE pair_low_id = %s AND pair_high_id = %s),'
    f' (SELECT sender_id FROM "{_R}" WHERE pair_low_id = %s AND pair_high_id = %s),'
    f' (SELECT status FROM "{_R}" WHERE pair_low_id = %s AND pair_high_id = %s)'
)
# The connections of `small` that are connected to `large`: one primary-key probe per
# connection of the smaller side, so the cost follows the smaller degree, and the lowest
# ids (the sample) with the total in the same pass.
_MUTUAL = (
    f"SELECT a.id, COUNT(*) OVER () FROM ({_NEIGHBOURS}) AS a WHERE "  # noqa: S608
    f'EXISTS (SELECT 1 FROM "{_T}" WHERE user_low_id = a.id AND user_high_id = %s) '
    f'OR EXISTS (SELECT 1 FROM "{_T}" WHERE user_low_id = %s AND user_high_id = a.id) '
    "ORDER BY a.id LIMIT %s"
)


def relationship(viewer_id: int, other_id: int, *, sample: int = 3) -> Relationship:
    """The viewer's relation to another member: a fixed number of queries whose cost
    follows the smaller of the two degrees, never a member's whole connection list."""
    low, high = pair(viewer_id, other_id)
    with connection.cursor() as cursor:
        cursor.execute(
            _PAIR,
            [viewer_id, viewer_id, other_id, other_id, low, high, viewer_id, other_id]
            + [low, high] * 3,
        )
        mine, theirs, connected, following, request_id, sender_id, status = cursor.fetchone()
        small, large = (viewer_id, other_id) if mine <= theirs else (other_id, viewer_id)
        mutual_ids: list[int] = []
        mutual_count = 0
        if mine and theirs:
            cursor.execute(_MUTUAL, [small, small, large, large, sample])
            rows = cursor.fetchall()
            mutual_ids = [row[0] for row in rows]
            mutual_count = rows[0][1] if rows else 0
        if viewer_id == other_id:
            degree = None
        elif connected:
            degree = 1
        elif mutual_count:
            degree = 2
        elif mine and theirs and min(mine, theirs) <= THIRD_DEGREE_EXPANSION_CAP:
            degree = 3 if _is_third_degree(cursor, small, large) else None
        else:
            degree = None
    by_id = faces(mutual_ids)
    return Relationship(
        degree=degree,
        connected=bool(connected),
        request_sent=sender_id == viewer_id,
        request_received=(
            request_id is not None
            and sender_id == other_id
            and status == ConnectionRequest.Status.PENDING
        ),
        request_id=request_id,
        following=bool(following),
        mutual_count=mutual_count,
        mutual_sample=[by_id[pk] for pk in mutual_ids if pk in by_id],
    )


def invitations_received(user_id: int) -> QuerySet[ConnectionRequest]:
    """Open invitations waiting for the member (ignored ones are out of sight), newest first."""
    return ConnectionRequest.objects.filter(
        recipient_id=user_id, status=ConnectionRequest.Status.PENDING, sender__is_active=True
    ).order_by("-created_at", "-pk")


def invitations_sent(user_id: int) -> QuerySet[ConnectionRequest]:
    """The member's open invitations (ignored ones still look pending to the sender)."""
    return ConnectionRequest.objects.filter(sender_id=user_id, recipient__is_active=True).order_by(
        "-created_at", "-pk"
    )


@dataclass(frozen=True)
class InvitationItem:
    """An invitation in a list, with the other member's card. The note is the
    recipient's to read; the sender sees their own."""

    pk: int
    member: MemberCard
    note: str
    created_at: datetime
    received: bool


def invitation_items(
    viewer: User, rows: Iterable[ConnectionRequest], *, received: bool
) -> list[InvitationItem]:
    """Invitations `viewer` received (or sent) as list items, the other members' cards
    built in one batch (at most three queries whatever the number)."""
    rows = list(rows)
    others = [row.sender_id if received else row.recipient_id for row in rows]
    cards = {card.id: card for card in member_cards(viewer=viewer, ids=others)}
    return [
        InvitationItem(
            pk=row.pk,
            member=cards[other],
            note=row.note,
            created_at=row.created_at,
            received=received,
        )
        for row, other in zip(rows, others, strict=True)
        if other in cards
    ]


def invitations_waiting(user: User, *, limit: int) -> tuple[list[InvitationItem], int]:
    """The newest `limit` of invitations_received(user) as list items, and how many there
    are in all. One query for the rows and the count (raw SQL: the home page asks on every
    visit, usually to find none, and the ORM took longer to build the query than the
    database took to answer it), then the senders' cards if there are any."""
    q = connection.ops.quote_name
    rows = list(
        ConnectionRequest.objects.raw(
            f"SELECT r.*, COUNT(*) OVER () AS total "  # noqa: S608 - model tables
            f"FROM {q(ConnectionRequest._meta.db_table)} r "
            f"JOIN {q(User._meta.db_table)} u ON u.id = r.sender_id "
            "WHERE r.recipient_id = %s AND r.status = %s AND u.is_active = %s "
            "ORDER BY r.created_at DESC, r.id DESC LIMIT %s",
            [user.pk, ConnectionRequest.Status.PENDING.value, True, limit],
        )
    )
    if not rows:
        return [], 0
    # The window's column, set on each instance by raw().
    return invitation_items(user, rows, received=True), rows[0].__dict__["total"]


def invitation_counterpart(viewer: User, request_id: int) -> MemberCard | None:
    """The card of the other member of an invitation `viewer` sent or received (None: not
    theirs, or a member they no longer see)."""
    row = (
        ConnectionRequest.objects.filter(pk=request_id)
        .filter(Q(sender_id=viewer.pk) | Q(recipient_id=viewer.pk))
        .values_list("sender_id", "recipient_id")
        .first()
    )
    if row is None:
        return None
    other_id = row[1] if row[0] == viewer.pk else row[0]
    cards = member_cards(viewer=viewer, ids=[other_id])
    return cards[0] if cards else None


def follows_queryset(user_id: int, *, followers: bool) -> QuerySet[User]:
    """Who follows the member (or whom they follow), by name, blocked either way left out."""
    if followers:
        ids = Follow.objects.filter(followee_id=user_id).values_list("follower_id", flat=True)
    else:
        ids = Follow.objects.filter(follower_id=user_id).values_list("followee_id", flat=True)
    return (
        User.objects.filter(pk__in=ids, is_active=True)
        .exclude(pk__in=blocked_either_way_ids(user_id))
        .select_related("profile")
        .order_by("profile__name_key", "pk")
    )
