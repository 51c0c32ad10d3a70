"""What two members have in common, and how to say it.

Shared by "people you may know", "people who share your interests" and introduction
ideas. Only sections visible to any member count (accounts' `EVERY_MEMBER` audience:
reasons are read by members who are not connected to the member they describe), so a
reason never reveals what a profile keeps to connections or to its owner.

A shared city is a shared place (the gazetteer's `place_id`, docs/DESIGN-places.md), not
the same typed text: "上海" and "Shanghai" are one city, two blank or unknown cities are
none, and the reason names the place in the reader's language when it is said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.models import Education, OpenTo, Profile, ProfileTag, Tag, User
from guanxi.accounts.visibility import EVERY_MEMBER
from guanxi.places.models import Place, localized_name

# (what one side is open to, what the other side is open to, reason)
COMPLEMENTS: tuple[tuple[int, int, str], ...] = (
    (OpenTo.HIRING, OpenTo.NEW_JOB, "hiring_job"),
    (OpenTo.MENTORING, OpenTo.BEING_MENTORED, "mentor_mentee"),
    (OpenTo.BUSINESS_LEADS, OpenTo.PARTNERSHIPS, "leads_partners"),
    (OpenTo.COLLABORATIONS, OpenTo.COLLABORATIONS, "collaborate"),
)


@dataclass
class Traits:
    """The member-visible traits of one member, keyed for matching."""

    user_id: int
    skills: dict[int, str] = field(default_factory=dict)  # tag id -> display name
    interests: dict[int, str] = field(default_factory=dict)
    company_key: str = ""
    company: str = ""
    schools: dict[str, str] = field(default_factory=dict)  # school key -> display name
    place_id: int | None = None  # the gazetteer's place of the member's city, if known
    place_names: tuple[str, str] = ("", "")  # its English and Chinese names
    open_to: int = 0
    listed: bool = True  # shown in the member directory
    active: bool = True  # the account is active


def _rows(sql: str, ids: list[int]) -> list[tuple]:
    """Run `sql` (with one `{ids}` placeholder) over `ids` in chunks. Raw SQL: the
    ORM's per-value preparation of long IN lists costs more than the query itself,
    and suggestions load the traits of a hundred members per computation."""
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            cursor.execute(sql.format(ids=", ".join(["%s"] * len(chunk))), chunk)
            rows.extend(cursor.fetchall())
    return rows


def _profile_sql() -> str:
    q = connection.ops.quote_name
    columns = ", ".join(
        f"p.{q(Profile._meta.get_field(name).column)}"
        for name in (
            "user", "company", "company_key", "vis_work", "place", "vis_location",
            "open_to", "vis_open_to", "vis_skills", "vis_interests", "vis_education", "listed",
        )
    )  # fmt: skip
    place = q(Place._meta.db_table)
    return (
        f"SELECT {columns}, u.{q('is_active')}, pl.{q('name_en')}, pl.{q('name_zh')} "  # noqa: S608
        f"FROM {q(Profile._meta.db_table)} p "
        f"JOIN {q(User._meta.db_table)} u ON u.{q('id')} = p.{q('user_id')} "
        f"LEFT JOIN {place} pl ON pl.{q('geonames_id')} = p.{q(Profile._meta.get_field('place').column)} "
        f"WHERE p.{q('user_id')} IN ({{ids}})"
    )


def _tags_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT pt.{q('profile_id')}, pt.{q('kind')}, pt.{q('tag_id')}, t.{q('name')} "  # noqa: S608
        f"FROM {q(ProfileTag._meta.db_table)} pt "
        f"JOIN {q(Tag._meta.db_table)} t ON t.{q('id')} = pt.{q('tag_id')} "
        f"WHERE pt.{q('profile_id')} IN ({{ids}}) ORDER BY pt.{q('position')}, pt.{q('id')}"
    )


def _schools_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT {q('profile_id')}, {q('school_key')}, {q('school')} "  # noqa: S608
        f"FROM {q(Education._meta.db_table)} WHERE {q('profile_id')} IN ({{ids}}) "
        f"ORDER BY {q('id')}"
    )


def load_traits(user_ids) -> dict[int, Traits]:
    """Traits for many members in three queries (per 900 members)."""
    ids = list(user_ids)
    traits: dict[int, Traits] = {}
    show_skills: set[int] = set()
    show_interests: set[int] = set()
    show_education: list[int] = []
    for (uid, company, company_key, vis_work, place_id, vis_location,
         open_to, vis_open_to, vis_skills, vis_interests, vis_education, listed,
         active, name_en, name_zh) in _rows(_profile_sql(), ids):  # fmt: skip
        t = Traits(user_id=uid, listed=bool(listed), active=bool(active))
        if EVERY_MEMBER.sees(vis_work, uid):
            t.company, t.company_key = company, company_key
        if place_id is not None and EVERY_MEMBER.sees(vis_location, uid):
            t.place_id, t.place_names = place_id, (name_en, name_zh or "")
        if EVERY_MEMBER.sees(vis_open_to, uid):
            t.open_to = open_to
        if EVERY_MEMBER.sees(vis_skills, uid):
            show_skills.add(uid)
        if EVERY_MEMBER.sees(vis_interests, uid):
            show_interests.add(uid)
        if EVERY_MEMBER.sees(vis_education, uid):
            show_education.append(uid)
        traits[uid] = t
    with_tags = sorted(show_skills | show_interests)
    for uid, kind, tag_id, name in _rows(_tags_sql(), with_tags) if with_tags else ():
        if kind == ProfileTag.Kind.SKILL and uid in show_skills:
            traits[uid].skills[tag_id] = name
        elif kind == ProfileTag.Kind.INTEREST and uid in show_interests:
            traits[uid].interests[tag_id] = name
    for uid, key, name in _rows(_schools_sql(), show_education) if show_education else ():
        if key:
            traits[uid].schools.setdefault(key, name)
    return traits


@dataclass
class Affinity:
    shared_skills: list[str] = field(default_factory=list)
    shared_interests: list[str] = field(default_factory=list)
    company: str = ""
    schools: list[str] = field(default_factory=list)
    place_names: tuple[str, str] | None = None  # the shared place's (English, Chinese) names
    complements: list[str] = field(default_factory=list)  # COMPLEMENTS keys

    @property
    def empty(self) -> bool:
        return not (
            self.shared_skills or self.shared_interests or self.company or self.schools
            or self.place_names or self.complements
        )  # fmt: skip


def affinity(a: Traits, b: Traits) -> Affinity:
    found = Affinity(
        shared_skills=sorted(a.skills[t] for t in a.skills.keys() & b.skills.keys()),
        shared_interests=sorted(a.interests[t] for t in a.interests.keys() & b.interests.keys()),
        schools=sorted(a.schools[k] for k in a.schools.keys() & b.schools.keys()),
    )
    if a.company_key and a.company_key == b.company_key:
        found.company = a.company
    if a.place_id is not None and a.place_id == b.place_id:
        found.place_names = a.place_names
    for one, other, key in COMPLEMENTS:
        if (a.open_to & one and b.open_to & other) or (a.open_to & other and b.open_to & one):
            found.complements.append(key)
    return found


def complement_text(key: str) -> str:
    return {
        "hiring_job": _("one is hiring, the other is looking"),
        "mentor_mentee": _("a mentor and someone looking for one"),
        "leads_partners": _("business leads and partnerships"),
        "collaborate": _("both open to collaborations"),
    }[key]


def reasons(found: Affinity, *, mutual_count: int = 0, limit: int = 3) -> list[str]:
    """Short phrases, most telling first: "12 mutual connections", "both interested in #edtech"."""
    out: list[str] = []
    if mutual_count:
        out.append(
            ngettext("%(n)d mutual connection", "%(n)d mutual connections", mutual_count)
            % {"n": mutual_count}
        )
    if found.company:
        out.append(_("both at %(company)s") % {"company": found.company})
    if found.schools:
        out.append(_("both studied at %(school)s") % {"school": found.schools[0]})
    if found.shared_interests:
        out.append(_("both interested in %(tags)s") % {"tags": _tags(found.shared_interests)})
    if found.shared_skills:
        out.append(_("both skilled in %(tags)s") % {"tags": _tags(found.shared_skills)})
    out.extend(complement_text(key) for key in found.complements)
    if found.place_names:
        out.append(_("both in %(city)s") % {"city": localized_name(*found.place_names)})
    return out[:limit]


def _tags(names: list[str], shown: int = 2) -> str:
    text = ", ".join(f"#{name}" for name in names[:shown])
    extra = len(names) - shown
    if extra > 0:
        text += " " + ngettext("and %(n)d more", "and %(n)d more", extra) % {"n": extra}
    return text


def tag_popularity(tag_ids) -> dict[int, int]:
    """How many members carry each tag (for weighting rare shared tags above common ones)."""
    rows = (
        ProfileTag.objects.filter(tag_id__in=list(tag_ids))
        .values("tag_id")
        .annotate(n=Count("profile_id"))
        .values_list("tag_id", "n")
    )
    return dict(rows)
