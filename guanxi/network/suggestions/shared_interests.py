"""Members who share an interest or skill: with one tag, or with the viewer's tags.

Ranked by how much they share with the viewer (each shared tag weighs more the rarer
it is) plus how close they are in the graph, across the whole community. A member's
tag counts only where the viewer may see that section (members, or connections for a
1st-degree connection); blocked members never appear, and members who left the
directory appear only to their connections.

The ranking runs in the database — one count and one page query, each a single pass
over the tag's holders with index probes per holder — so a page costs the same few
queries however many members carry the tag. Closeness enters the ranking as the
viewer's 1st degree (a subquery) and 2nd degree (an id list worked out in Python when
it is small enough to mean something: see SECOND_DEGREE_MAX); the 3rd degree is shown
on the cards of the page, not ranked on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from guanxi.accounts.models import Profile, ProfileTag, Tag, User, normalize_text
from guanxi.core.visibility import Visibility
from guanxi.network import selectors
from guanxi.network.models import Block, Connection
from guanxi.network.suggestions.rank import rarity
from guanxi.network.suggestions.sources import _count_circles

PER_PAGE = 20
# Closeness in the ranking, in the same units as a shared tag's weight (about 0.1 for
# a very common tag up to 0.9 for a tag two members share).
FIRST_DEGREE_BONUS = 1.5
SECOND_DEGREE_BONUS = 1.0
# The 2nd degree is worked out (and ranked on) while it stays this small; a member
# with more friends-of-friends than this has most of the community there, and reading
# their connections' connections would cost more than the page.
SECOND_DEGREE_READ_MAX = 60_000  # connection rows read to find it
SECOND_DEGREE_MAX = 15_000  # members in it

KINDS = {ProfileTag.Kind.SKILL: "vis_skills", ProfileTag.Kind.INTEREST: "vis_interests"}


@dataclass(frozen=True)
class SharedMember:
    user: User  # with .profile loaded
    shared: list[str]  # names of the tags shared with the viewer (or the tag itself)
    degree: int | None
    score: float


def find_tag(text: str) -> Tag | None:
    """A tag by its key or its name, in any case and spacing."""
    key = normalize_text(text)
    return Tag.objects.filter(key=key).first() if key else None


def _edges_of(ids: list[int], budget: int | None = None) -> list[tuple[int, int]] | None:
    """Every connection touching `ids`; None once more than `budget` rows were read."""
    table = connection.ops.quote_name(Connection._meta.db_table)
    rows: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT user_low_id, user_high_id FROM {table} "  # noqa: S608
                f"WHERE user_low_id IN ({marks}) UNION ALL "
                f"SELECT user_low_id, user_high_id FROM {table} WHERE user_high_id IN ({marks})",
                [*chunk, *chunk],
            )
            rows.extend(cursor.fetchall())
            if budget is not None and len(rows) > budget:
                return None
    return rows


class _Neighbourhood:
    """The viewer's 1st degree (as subqueries, whatever its size) and, when small
    enough, 2nd degree (as ids)."""

    def __init__(self, viewer_id: int):
        self.viewer_id = viewer_id
        self.first_ids = selectors.connection_ids(viewer_id)
        self.first = [
            Connection.objects.filter(user_high_id=viewer_id).values("user_low_id"),
            Connection.objects.filter(user_low_id=viewer_id).values("user_high_id"),
        ]
        self.second: set[int] | None = None
        edges = _edges_of(sorted(self.first_ids), budget=SECOND_DEGREE_READ_MAX)
        if edges is not None:
            second = {node for edge in edges for node in edge}
            second -= self.first_ids
            second.discard(viewer_id)
            if len(second) <= SECOND_DEGREE_MAX:
                self.second = second

    def is_first(self, field: str) -> Q:
        condition = Q()
        for ids in self.first:
            condition |= Q(**{f"{field}__in": ids})
        return condition

    def degrees(self, member_ids: list[int]) -> dict[int, int | None]:
        """1st, 2nd or 3rd degree of each member (one query for all of them)."""
        found: dict[int, int | None] = {}
        rest = []
        for uid in member_ids:
            if uid in self.first_ids:
                found[uid] = 1
            elif self.second is not None and uid in self.second:
                found[uid] = 2
            else:
                rest.append(uid)
        if not rest:
            return found
        theirs: dict[int, set[int]] = {uid: set() for uid in rest}
        for low, high in _edges_of(rest) or ():
            if low in theirs:
                theirs[low].add(high)
            if high in theirs:
                theirs[high].add(low)
        for uid in rest:
            if theirs[uid] & self.first_ids:
                found[uid] = 2
            elif self.second is not None and theirs[uid] & self.second:
                found[uid] = 3
            else:
                found[uid] = None
        return found


def _sees_section(kind: str, near: _Neighbourhood) -> Q:
    """The viewer may see this section of the profile (on the outer Profile row)."""
    column = KINDS[kind]
    return Q(**{f"{column}__lte": Visibility.MEMBERS}) | (
        Q(**{column: Visibility.CONNECTIONS}) & near.is_first("user_id")
    )


def _shared_weight(near: _Neighbourhood, weights: dict[int, float]):
    """Sum of the weights of the viewer's tags this profile shows, per section."""
    if not weights:
        return Value(0.0)
    total = None
    for kind in KINDS:
        summed = Subquery(
            ProfileTag.objects.filter(
                profile_id=OuterRef("user_id"), kind=kind, tag_id__in=list(weights)
            )
            .order_by()
            .values("profile_id")
            .annotate(
                total=Sum(
                    Case(
                        *(When(tag_id=t, then=Value(w)) for t, w in weights.items()),
                        default=Value(0.0),
                        output_field=FloatField(),
                    )
                )
            )
            .values("total")[:1],
            output_field=FloatField(),
        )
        part = Case(
            When(_sees_section(kind, near), then=Coalesce(summed, Value(0.0))),
            default=Value(0.0),
            output_field=FloatField(),
        )
        total = part if total is None else total + part
    return total


def _ranked(viewer: User, near: _Neighbourhood, holds: Q, weights: dict[int, float]) -> QuerySet:
    """Profiles matching `holds`, annotated with their score, best first."""
    whens = [When(near.is_first("user_id"), then=Value(FIRST_DEGREE_BONUS))]
    if near.second:
        whens.append(When(user_id__in=sorted(near.second), then=Value(SECOND_DEGREE_BONUS)))
    closeness = Case(*whens, default=Value(0.0), output_field=FloatField())
    pk = OuterRef("user_id")
    return (
        Profile.objects.filter(holds, user__is_active=True)
        .filter(Q(listed=True) | near.is_first("user_id"))
        .exclude(user_id=viewer.pk)
        .exclude(Exists(Block.objects.filter(blocker_id=viewer.pk, blocked_id=pk)))
        .exclude(Exists(Block.objects.filter(blocker_id=pk, blocked_id=viewer.pk)))
        .select_related("user")
        .annotate(score=_shared_weight(near, weights) + closeness)
        .order_by("-score", "name_key", "user_id")
    )


def _holds(tag_ids: list[int], near: _Neighbourhood) -> Q:
    """The profile shows one of `tag_ids` in a section the viewer may see."""
    # IN (holders) rather than EXISTS per profile: the database starts from the tag's
    # holders (an index range) instead of visiting every profile of the community.
    condition = Q()
    for kind in KINDS:
        holders = ProfileTag.objects.filter(tag_id__in=tag_ids, kind=kind).values("profile_id")
        condition |= Q(user_id__in=holders) & _sees_section(kind, near)
    return condition


def _weights(tag_ids: list[int]) -> dict[int, float]:
    counts = _count_circles([("tag", t) for t in tag_ids])
    return {t: rarity(counts.get(("tag", t), 0)) for t in tag_ids}


def _visible_shared_names(
    near: _Neighbourhood, profiles: list[Profile], tag_ids: list[int]
) -> dict[int, list[str]]:
    """For each member, the names of `tag_ids` they show in sections the viewer sees."""
    if not profiles or not tag_ids:
        return {}
    visible_kinds: dict[int, set[str]] = {}
    for profile in profiles:
        level = Visibility.CONNECTIONS if profile.user_id in near.first_ids else Visibility.MEMBERS
        visible_kinds[profile.user_id] = {
            kind for kind, column in KINDS.items() if getattr(profile, column) <= level
        }
    names: dict[int, list[str]] = {}
    for uid, kind, name in (
        ProfileTag.objects.filter(profile_id__in=list(visible_kinds), tag_id__in=tag_ids)
        .order_by("profile_id", "tag__name")
        .values_list("profile_id", "kind", "tag__name")
    ):
        if kind in visible_kinds[uid] and name not in names.setdefault(uid, []):
            names[uid].append(name)
    return names


def _page(near: _Neighbourhood, queryset: QuerySet, page, tag_ids: list[int]) -> Page:
    found = Paginator(queryset, PER_PAGE).get_page(page)
    profiles = list(found.object_list)
    shared = _visible_shared_names(near, profiles, tag_ids)
    degrees = near.degrees([p.user_id for p in profiles])
    items = []
    for profile in profiles:
        user = profile.user
        user.profile = profile
        items.append(
            SharedMember(
                user, shared.get(profile.user_id, []), degrees.get(profile.user_id), profile.score
            )
        )
    found.object_list = items
    return found


def members_sharing_tag(viewer: User, tag: Tag, *, page: int | str | None = 1) -> Page:
    """Members who show `tag` (as a skill or an interest) to the viewer."""
    near = _Neighbourhood(viewer.pk)
    mine = list(
        ProfileTag.objects.filter(profile_id=viewer.pk)
        .exclude(tag=tag)
        .values_list("tag_id", flat=True)
        .distinct()
    )
    queryset = _ranked(viewer, near, _holds([tag.pk], near), _weights(mine))
    return _page(near, queryset, page, [tag.pk, *mine])


def members_sharing_my_tags(viewer: User, *, page: int | str | None = 1) -> Page:
    """Members who show any of the viewer's skills or interests to the viewer."""
    near = _Neighbourhood(viewer.pk)
    mine = list(
        ProfileTag.objects.filter(profile_id=viewer.pk).values_list("tag_id", flat=True).distinct()
    )
    if not mine:
        return Paginator(Profile.objects.none(), PER_PAGE).get_page(1)
    queryset = _ranked(viewer, near, _holds(mine, near), _weights(mine))
    return _page(near, queryset, page, mine)
