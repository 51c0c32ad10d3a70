"""Who may know of an introduction, and who may answer it."""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet

from guanxi.accounts.models import User
from guanxi.network import selectors
from guanxi.network.introductions.errors import IntroductionNotFound, NotIntroduced
from guanxi.network.models import Introduction

Action = Literal["view", "answer"]


def visible(queryset: QuerySet[Introduction], viewer_id: int) -> QuerySet[Introduction]:
    """Leave out introductions with a member who left, or one a block stands between."""
    hidden = selectors.blocked_either_way_ids(viewer_id)
    queryset = queryset.filter(member_low__is_active=True, member_high__is_active=True)
    if hidden:
        queryset = queryset.exclude(
            Q(member_low_id__in=hidden) | Q(member_high_id__in=hidden) | Q(introducer_id__in=hidden)
        )
    return queryset


def access_introduction(viewer: User, introduction_id: int, action: Action) -> Introduction:
    """The introduction, for its three parties: the introducer and the two introduced.

    NotFound for anyone else, and for a party once a block stands between them and the
    others (as if it never existed); NotAllowed for the introducer, who sees it but does
    not answer it.
    """
    if not viewer.is_authenticated:
        raise IntroductionNotFound
    party = Q(member_low_id=viewer.pk) | Q(member_high_id=viewer.pk) | Q(introducer_id=viewer.pk)
    introduction = (
        visible(Introduction.objects.filter(party, pk=introduction_id), viewer.pk)
        .select_related("introducer__profile", "member_low__profile", "member_high__profile")
        .first()
    )
    if introduction is None:
        raise IntroductionNotFound
    if action == "answer" and viewer.pk not in (
        introduction.member_low_id,
        introduction.member_high_id,
    ):
        raise NotIntroduced
    return introduction
