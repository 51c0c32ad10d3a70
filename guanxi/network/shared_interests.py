"""Members who share an interest or skill: with one tag, or with the viewer's tags.

Ranked by how much they share with the viewer (each shared tag weighs more the rarer
it is) plus how close they are in the graph (1st, 2nd, 3rd degree), across the whole
community. A member's tag counts only where the viewer may see that section (members,
or connections for a 1st-degree connection); blocked members never appear, and
members who left the directory appear only to their connections.

The ranking runs in the database (one count and one page query), so a page costs
the same few queries however many members carry the tag.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    F,
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
from guanxi.network.suggestion_sources import _count_circles
from guanxi.network.suggestions_rank import rarity

PER_PAGE = 20
# Closeness in the ranking, in the same units as a shared tag's weight (about 0.1 for
# a very common tag up to 0.9 for a tag two members share).
DEGREE_BONUS = {1: 1.5, 2: 1.0, 3: 0.5}
# Beyond this many connections, the 3rd degree is not worked out (as selectors.degree).
THIRD_DEGREE_CAP = selectors.THIRD_DEGREE_EXPANSION_CAP

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


class _Graph:
    """The viewer's neighbourhood as SQL conditions: subqueries, not id lists, so a
    member with thousands of connections costs no more queries (nor parameters)."""

    def __init__(self, viewer_id: int):
        self.viewer_id = viewer_id
        self.first = [
            Connection.objects.filter(user_high_id=viewer_id).values("user_low_id"),
            Connection.objects.filter(user_low_id=viewer_id).values("user_high_id"),
        ]
        self.second: list[QuerySet] | None = None
        if selectors.connection_count(viewer_id) <= THIRD_DEGREE_CAP:
            self.second = [
                query
                for ids in self.first
                for query in (
                    Connection.objects.filter(user_low_id__in=ids).values("user_high_id"),
                    Connection.objects.filter(user_high_id__in=ids).values("user_low_id"),
                )
            ]

    def is_first(self, field: str) -> Q:
        condition = Q()
        for ids in self.first:
            condition |= Q(**{f"{field}__in": ids})
        return condition

    @staticmethod
    def touches(sets: list[QuerySet], outer: str) -> Q:
        """Some connection of the member at `outer` is in one of `sets`."""
        condition = Q()
        for ids in sets:
            condition |= Exists(
                Connection.objects.filter(user_low_id=OuterRef(outer), user_high_id__in=ids)
            )
            condition |= Exists(
                Connection.objects.filter(user_high_id=OuterRef(outer), user_low_id__in=ids)
            )
        return condition


def _sees_section(kind: str, graph: _Graph, prefix: str = "") -> Q:
    column = f"{prefix}{KINDS[kind]}"
    return Q(**{f"{column}__lte": Visibility.MEMBERS}) | (
        Q(**{column: Visibility.CONNECTIONS}) & graph.is_first(f"{prefix}user_id")
    )


def _ranked(viewer: User, graph: _Graph, holds: Q, weights: dict[int, float]) -> QuerySet:
    """Profiles matching `holds`, annotated with shared weight, degree and score."""
    pk = OuterRef("user_id")
    visible_tag = Q(kind=ProfileTag.Kind.SKILL) & _sees_section(
        ProfileTag.Kind.SKILL, graph, "profile__"
    ) | Q(kind=ProfileTag.Kind.INTEREST) & _sees_section(
        ProfileTag.Kind.INTEREST, graph, "profile__"
    )
    if weights:
        shared = Subquery(
            ProfileTag.objects.filter(visible_tag, profile_id=pk, tag_id__in=list(weights))
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
    else:
        shared = Value(0.0)
    whens = [
        When(graph.is_first("user_id"), then=Value(1)),
        When(graph.touches(graph.first, "user_id"), then=Value(2)),
    ]
    if graph.second is not None:
        whens.append(When(graph.touches(graph.second, "user_id"), then=Value(3)))
    closeness = Case(*whens, default=Value(0))
    bonus = Case(
        *(When(closeness_value=d, then=Value(b)) for d, b in DEGREE_BONUS.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    blocked = Block.objects.filter(blocker_id=viewer.pk, blocked_id=pk)
    blocker = Block.objects.filter(blocker_id=pk, blocked_id=viewer.pk)
    return (
        Profile.objects.filter(holds, user__is_active=True)
        .filter(Q(listed=True) | graph.is_first("user_id"))
        .exclude(user_id=viewer.pk)
        .exclude(Exists(blocked))
        .exclude(Exists(blocker))
        .select_related("user")
        .annotate(
            shared_weight=Coalesce(shared, Value(0.0), output_field=FloatField()),
            closeness_value=closeness,
        )
        .annotate(score=F("shared_weight") + bonus)
        .order_by("-score", "name_key", "user_id")
    )


def _weights(tag_ids: list[int]) -> dict[int, float]:
    counts = _count_circles([("tag", t) for t in tag_ids])
    return {t: rarity(counts.get(("tag", t), 0)) for t in tag_ids}


def _page(viewer: User, graph: _Graph, queryset: QuerySet, page: int, names_for) -> Page:
    paginator = Paginator(queryset, PER_PAGE)
    found = paginator.get_page(page)
    profiles = list(found.object_list)
    shared = names_for([p.user_id for p in profiles])
    items = []
    for profile in profiles:
        user = profile.user
        user.profile = profile
        degree = profile.closeness_value or None
        items.append(SharedMember(user, shared.get(profile.user_id, []), degree, profile.score))
    found.object_list = items
    return found


def _visible_shared_names(
    graph: _Graph, member_ids: list[int], tag_ids: list[int]
) -> dict[int, list[str]]:
    """For each member, the names of `tag_ids` they carry in sections the viewer sees."""
    if not member_ids or not tag_ids:
        return {}
    visible = Q(kind=ProfileTag.Kind.SKILL) & _sees_section(
        ProfileTag.Kind.SKILL, graph, "profile__"
    ) | Q(kind=ProfileTag.Kind.INTEREST) & _sees_section(
        ProfileTag.Kind.INTEREST, graph, "profile__"
    )
    names: dict[int, list[str]] = {}
    for uid, name in (
        ProfileTag.objects.filter(visible, profile_id__in=member_ids, tag_id__in=tag_ids)
        .order_by("profile_id", "tag__name")
        .values_list("profile_id", "tag__name")
    ):
        if name not in names.setdefault(uid, []):
            names[uid].append(name)
    return names


def members_sharing_tag(viewer: User, tag: Tag, *, page: int | str = 1) -> Page:
    """Members who show `tag` (as a skill or an interest) to the viewer."""
    graph = _Graph(viewer.pk)
    mine = list(
        ProfileTag.objects.filter(profile_id=viewer.pk)
        .exclude(tag=tag)
        .values_list("tag_id", flat=True)
        .distinct()
    )
    holds = Q()
    for kind in KINDS:
        holds |= Exists(
            ProfileTag.objects.filter(profile_id=OuterRef("user_id"), tag=tag, kind=kind)
        ) & _sees_section(kind, graph)
    queryset = _ranked(viewer, graph, holds, _weights(mine))

    def names_for(ids: list[int]) -> dict[int, list[str]]:
        return _visible_shared_names(graph, ids, [tag.pk, *mine])

    return _page(viewer, graph, queryset, page, names_for)


def members_sharing_my_tags(viewer: User, *, page: int | str = 1) -> Page:
    """Members who show any of the viewer's skills or interests to the viewer."""
    graph = _Graph(viewer.pk)
    mine = list(
        ProfileTag.objects.filter(profile_id=viewer.pk).values_list("tag_id", flat=True).distinct()
    )
    if not mine:
        return Paginator(Profile.objects.none(), PER_PAGE).get_page(1)
    holds = Q()
    for kind in KINDS:
        holds |= Exists(
            ProfileTag.objects.filter(profile_id=OuterRef("user_id"), tag_id__in=mine, kind=kind)
        ) & _sees_section(kind, graph)
    queryset = _ranked(viewer, graph, holds, _weights(mine))

    def names_for(ids: list[int]) -> dict[int, list[str]]:
        return _visible_shared_names(graph, ids, mine)

    return _page(viewer, graph, queryset, page, names_for)
