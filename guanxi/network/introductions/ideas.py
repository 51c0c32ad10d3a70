"""Introduction ideas: pairs among a member's connections who are not connected yet and
have the most in common, with the reasons written out.

A capped ranking, like the directory's: ideas come from the member's most recent
CONNECTIONS_READ_MAX connections (the people whose introductions are freshest in mind),
so a member with 5,000 connections costs about what one with 300 does. Scoring every
pair among those is still quadratic, so the work is inverted: group the connections by trait (tag, company, school, city, complementary
"open to"), then credit the pairs inside each group. Small groups go first and weigh
more (a rare shared interest says more than a shared big city), and a fixed budget of
pair credits bounds the work whatever the degree. Exclusions (already connected,
blocked, an open introduction, a pending request, introduced enough this week) are
checked only for the best-scored candidates, a few hundred at a time.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Education, OpenTo, Profile, ProfileTag, User
from guanxi.accounts.selectors import MemberCard, member_cards
from guanxi.accounts.visibility import EVERY_MEMBER
from guanxi.network import selectors
from guanxi.network.affinity import affinity, load_traits, reasons
from guanxi.network.introductions.limits import introductions_per_week
from guanxi.network.models import Block, Connection, ConnectionRequest, Introduction

# How much one shared trait of each kind is worth before the rarity discount.
WEIGHTS = {
    "company": 3.0,
    "school": 2.5,
    "interest": 2.0,
    "skill": 1.5,
    "complement": 3.0,
    "city": 1.0,
}
# (open to, matched with) pairs worth an introduction; symmetric ones list one bit twice.
COMPLEMENTARY = (
    (OpenTo.HIRING, OpenTo.NEW_JOB),
    (OpenTo.MENTORING, OpenTo.BEING_MENTORED),
    (OpenTo.BUSINESS_LEADS, OpenTo.PARTNERSHIPS),
    (OpenTo.COLLABORATIONS, OpenTo.COLLABORATIONS),
)
# Connections considered, the most recent first, and pair credits per call: both bound
# the work whatever the member's degree.
CONNECTIONS_READ_MAX = 300
PAIR_BUDGET = 40_000
# Candidates checked against the database per round, and rounds at most.
CHECK_BATCH = 200
CHECK_ROUNDS = 5


@dataclass
class IntroductionIdea:
    a: MemberCard
    b: MemberCard
    score: float
    reasons: list[str] = field(default_factory=list)
    note: str = ""  # a suggested note for the prefilled form


def suggested_note(reason_list: list[str]) -> str:
    if not reason_list:
        return _("I think you two should meet.")
    return _("I think you two should meet: %(reasons)s.") % {"reasons": "; ".join(reason_list)}


Group = tuple[str, list[int], "list[int] | None"]
_BITS = [int(bit) for bit in OpenTo]


_T = Connection._meta.db_table


def _recent_connections(user_id: int) -> RawSQL:
    """The member's CONNECTIONS_READ_MAX most recent connections as one column, for use
    as a subquery (two index ranges, sorted by when each was made)."""
    return RawSQL(  # noqa: S611 - fixed SQL, values as params
        "SELECT id FROM (SELECT user_high_id AS id, created_at FROM "  # noqa: S608 - model table
        f'"{_T}" WHERE user_low_id = %s UNION ALL SELECT user_low_id, created_at FROM "{_T}" '
        "WHERE user_high_id = %s ORDER BY created_at DESC, id DESC LIMIT %s) AS recent",
        [user_id, user_id, CONNECTIONS_READ_MAX],
    )


def connection_groups(user_id: int) -> list[Group]:
    """The member's active recent connections grouped by each member-visible trait they
    carry: (kind, members, partners) where pairs are inside `members` when partners is
    None, else every member × partner pair.

    Three queries with the connections as a subquery (no long id lists) and no names
    loaded: names are only needed for the few pairs finally shown. The visibility rule
    is accounts' EVERY_MEMBER audience, as in affinity.load_traits.
    """
    mine = Q(user_id__in=_recent_connections(user_id))
    by_key: dict[tuple, list[int]] = defaultdict(list)
    by_bit: dict[int, list[int]] = defaultdict(list)
    show_skills: set[int] = set()
    show_interests: set[int] = set()
    show_education: set[int] = set()
    rows = Profile.objects.filter(mine, user__is_active=True).values_list(
        "user_id", "company_key", "vis_work", "place_id", "vis_location", "open_to",
        "vis_open_to", "vis_skills", "vis_interests", "vis_education",
    )  # fmt: skip
    for (uid, company_key, vis_work, place_id, vis_location, open_to, vis_open_to,
         vis_skills, vis_interests, vis_education) in rows:  # fmt: skip
        if company_key and EVERY_MEMBER.sees(vis_work, uid):
            by_key[("company", company_key)].append(uid)
        # A city is shared through the gazetteer's place, whichever language it was typed in.
        if place_id is not None and EVERY_MEMBER.sees(vis_location, uid):
            by_key[("city", place_id)].append(uid)
        if open_to and EVERY_MEMBER.sees(vis_open_to, uid):
            for bit in _BITS:
                if open_to & bit:
                    by_bit[bit].append(uid)
        if EVERY_MEMBER.sees(vis_skills, uid):
            show_skills.add(uid)
        if EVERY_MEMBER.sees(vis_interests, uid):
            show_interests.add(uid)
        if EVERY_MEMBER.sees(vis_education, uid):
            show_education.add(uid)
    profile_of = Q(profile_id__in=_recent_connections(user_id))
    tags = ProfileTag.objects.filter(profile_of).values_list("profile_id", "kind", "tag_id")
    for uid, kind, tag_id in tags:
        if kind == ProfileTag.Kind.SKILL:
            if uid in show_skills:
                by_key[("skill", tag_id)].append(uid)
        elif uid in show_interests:
            by_key[("interest", tag_id)].append(uid)
    schools = (
        Education.objects.filter(profile_of)
        .exclude(school_key="")
        .values_list("profile_id", "school_key")
        .distinct()
    )
    for uid, school_key in schools:
        if uid in show_education:
            by_key[("school", school_key)].append(uid)
    groups: list[Group] = [
        (key[0], members, None) for key, members in by_key.items() if len(members) > 1
    ]
    for one, other in COMPLEMENTARY:
        left, right = by_bit.get(one, []), by_bit.get(other, [])
        if one == other:
            if len(left) > 1:
                groups.append(("complement", left, None))
        elif left and right:
            groups.append(("complement", left, right))
    return groups


def _cost(members: list[int], partners: list[int] | None) -> int:
    n = len(members)
    return n * (n - 1) // 2 if partners is None else n * len(partners)


# A pair (low, high) is scored under the int key low << 32 | high: cheaper to hash than
# a tuple, and ordered like the tuple.
_SHIFT = 32
_MASK = (1 << _SHIFT) - 1


def pair_of(key: int) -> tuple[int, int]:
    return key >> _SHIFT, key & _MASK


def score_groups(groups: list[Group], *, budget: int = PAIR_BUDGET) -> dict[int, float]:
    """Score of each pair sharing something (keyed as above), smallest groups first,
    until the budget of pair credits is spent."""
    scores: dict[int, float] = {}
    get = scores.get
    for kind, members, partners in sorted(groups, key=lambda g: _cost(g[1], g[2])):
        cost = _cost(members, partners)
        if cost > budget:
            break  # sorted by cost: every later group is at least as large
        budget -= cost
        size = len(members) + (len(partners) if partners else 0)
        weight = WEIGHTS[kind] / math.log2(size + 1)
        if partners is None:
            ordered = sorted(members)
            for i, low in enumerate(ordered):
                base = low << _SHIFT
                for high in ordered[i + 1 :]:
                    key = base | high
                    scores[key] = get(key, 0.0) + weight
        else:
            for x in members:
                for y in partners:
                    if x != y:
                        key = (x << _SHIFT | y) if x < y else (y << _SHIFT | x)
                        scores[key] = get(key, 0.0) + weight
    return scores


def _excluded(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these pairs can't be introduced now (five queries whatever the count)."""
    ids = {uid for pair in pairs for uid in pair}
    wanted = set(pairs)
    out: set[tuple[int, int]] = set()
    connected = Connection.objects.filter(user_low_id__in=ids, user_high_id__in=ids)
    out |= set(connected.values_list("user_low_id", "user_high_id")) & wanted
    requested = ConnectionRequest.objects.filter(pair_low_id__in=ids, pair_high_id__in=ids)
    out |= set(requested.values_list("pair_low_id", "pair_high_id")) & wanted
    opened = Introduction.objects.filter(
        member_low_id__in=ids, member_high_id__in=ids, status=Introduction.Status.OPEN
    )
    out |= set(opened.values_list("member_low_id", "member_high_id")) & wanted
    blocks = Block.objects.filter(blocker_id__in=ids, blocked_id__in=ids)
    out |= {selectors.pair(x, y) for x, y in blocks.values_list("blocker_id", "blocked_id")}
    # Members introduced as often as the week allows would only get a refusal.
    limit = introductions_per_week()
    counts: dict[int, int] = defaultdict(int)
    recent = Introduction.objects.filter(
        Q(member_low_id__in=ids) | Q(member_high_id__in=ids),
        created_at__gte=timezone.now() - timedelta(days=7),
    ).values_list("member_low_id", "member_high_id")
    for low, high in recent:
        counts[low] += 1
        counts[high] += 1
    full = {uid for uid, n in counts.items() if n >= limit}
    out |= {pair for pair in wanted if pair[0] in full or pair[1] in full}
    return out


def introduction_ideas(*, user: User, limit: int = 10) -> list[IntroductionIdea]:
    """The best pairs among `user`'s connections to introduce to each other."""
    if limit <= 0:
        return []
    scores = score_groups(connection_groups(user.pk))
    if not scores:
        return []
    ranked = [
        (pair_of(key), score)
        for key, score in heapq.nsmallest(
            min(len(scores), CHECK_BATCH * CHECK_ROUNDS),
            scores.items(),
            key=lambda item: (-item[1], item[0]),
        )
    ]
    chosen: list[tuple[tuple[int, int], float]] = []
    for start in range(0, len(ranked), CHECK_BATCH):
        batch = ranked[start : start + CHECK_BATCH]
        excluded = _excluded([pair for pair, _score in batch])
        chosen.extend(item for item in batch if item[0] not in excluded)
        if len(chosen) >= limit:
            break
    chosen = chosen[:limit]
    shown = {uid for pair, _s in chosen for uid in pair}
    cards = {card.id: card for card in member_cards(viewer=user, ids=shown, keep_blocked=True)}
    traits = load_traits(shown)
    ideas = []
    for (low, high), score in chosen:
        if low not in cards or high not in cards:  # left since the scores were read
            continue
        why = reasons(affinity(traits[low], traits[high]), limit=3)
        ideas.append(
            IntroductionIdea(
                a=cards[low], b=cards[high], score=score, reasons=why, note=suggested_note(why)
            )
        )
    return ideas
