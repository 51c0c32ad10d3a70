"""Reads for accounts and profiles.

`profile_view` is the one place that decides what a viewer may see of a profile: it
returns a dataclass holding only the visible sections (hidden ones are None and are not
even queried), so neither a template nor the API can leak a hidden section.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import EmptyResultSet
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.urls import reverse
from django.utils.encoding import filepath_to_uri

from guanxi.accounts.access import access_member
from guanxi.accounts.errors import EntryNotFound
from guanxi.accounts.models import (
    SECTIONS,
    AccessToken,
    Education,
    Experience,
    OpenTo,
    Profile,
    ProfileTag,
    Tag,
    User,
    initials_of,
)
from guanxi.accounts.tokens import TOKEN_PREFIX, TOKEN_RAW_MAX, token_digest
from guanxi.accounts.visibility import (
    Audience,
    Visibility,
    audience_of,
    hidden_member_ids,
    member_audience,
)
from guanxi.core.prepared import PreparedQuery
from guanxi.places.models import Place, localized_name


@dataclass(frozen=True)
class Location:
    city: str  # in the viewer's language when the gazetteer knows the place
    country: str
    place_id: int | None = None  # the GeoNames id

    def __bool__(self) -> bool:
        return bool(self.city or self.country)


@dataclass(frozen=True)
class Work:
    company: str
    position: str

    def __bool__(self) -> bool:
        return bool(self.company or self.position)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class SectionAudience:
    """What the owner sees next to a section: who else can see it."""

    level: Visibility
    label: str


@dataclass(frozen=True)
class ProfileView:
    user_id: int
    handle: str
    display_name: str
    headline: str
    initials: str
    photo_url: str | None
    is_owner: bool
    is_demo: bool
    # Sections: None when the viewer may not see them.
    about: str | None = None
    about_html: str | None = None
    location: Location | None = None
    work: Work | None = None
    experience: list[Experience] | None = None
    education: list[Education] | None = None
    skills: list[str] | None = None
    interests: list[str] | None = None
    languages: list[str] | None = None
    open_to: list[OpenTo] | None = None
    links: list[Link] | None = None
    # Owner only: each section's audience and the directory listing.
    audiences: dict[str, SectionAudience] = field(default_factory=dict)
    listed: bool | None = None

    @property
    def has_details(self) -> bool:
        """True when anything beyond the header is shown (for the empty state)."""
        return any(
            (
                self.about_html,
                self.experience,
                self.education,
                self.skills,
                self.interests,
                self.languages,
                self.links,
            )
        )


# The profile page's entries, compiled once (building them cost more than running them).
_experiences = PreparedQuery(
    lambda pk: Experience.objects.filter(profile_id=pk).select_related("place"), -(2**62) + 1
)
_educations = PreparedQuery(lambda pk: Education.objects.filter(profile_id=pk), -(2**62) + 1)


def profile_view(*, viewer, handle: str) -> ProfileView:
    """What `viewer` (a user or AnonymousUser) may see of @handle's profile.

    Raises MemberNotFound where `access_member` does (unknown, gone, or a block).
    """
    owner = access_member(viewer, handle, "view")
    profile: Profile = owner.profile
    audience = audience_of(viewer)
    is_owner = audience.viewer_id == owner.pk
    # Whether the two are connected only matters for a section shown to connections
    # alone, so it is looked up (one query) only when the profile has one.
    connected: list[bool] = []

    def visible(section: str) -> bool:
        level = profile.visibility_of(section)
        if level != Visibility.CONNECTIONS or audience.viewer_id in (None, owner.pk):
            return audience.sees(level, owner.pk)
        if not connected:
            connected.append(audience.is_connected_to(owner.pk))
        return audience.sees(level, owner.pk, connected=connected[0])

    parts: dict = {}
    if visible("about"):
        parts["about"] = profile.about
        parts["about_html"] = profile.about_html
    if visible("location"):
        parts["location"] = Location(
            city=profile.city_name, country=profile.country, place_id=profile.place_id
        )
    if visible("work"):
        parts["work"] = Work(company=profile.company, position=profile.position)
    if visible("experience"):
        parts["experience"] = _experiences(profile.pk)
    if visible("education"):
        parts["education"] = _educations(profile.pk)
    tag_kinds = [
        kind
        for kind, section in (
            (ProfileTag.Kind.SKILL, "skills"),
            (ProfileTag.Kind.INTEREST, "interests"),
        )
        if visible(section)
    ]
    if tag_kinds:
        names: dict[str, list[str]] = {kind: [] for kind in tag_kinds}
        for kind, name in _tag_rows(profile.pk, tag_kinds):
            names[kind].append(name)
        if ProfileTag.Kind.SKILL in names:
            parts["skills"] = names[ProfileTag.Kind.SKILL]
        if ProfileTag.Kind.INTEREST in names:
            parts["interests"] = names[ProfileTag.Kind.INTEREST]
    if visible("languages"):
        parts["languages"] = [str(lang) for lang in profile.languages or []]
    if visible("open_to"):
        parts["open_to"] = profile.open_to_list
    if visible("links"):
        parts["links"] = [
            Link(label=str(link.get("label", "")), url=str(link.get("url", "")))
            for link in profile.links or []
            if isinstance(link, dict) and link.get("url")
        ]
    if is_owner:
        parts["audiences"] = {
            key: SectionAudience(
                level=Visibility(profile.visibility_of(key)),
                label=str(Visibility(profile.visibility_of(key)).label),
            )
            for key, _label in SECTIONS
        }
        parts["listed"] = profile.listed

    return ProfileView(
        user_id=owner.pk,
        handle=owner.username,
        display_name=profile.display_name,
        headline=profile.headline,
        initials=profile.initials,
        photo_url=profile.photo_url,
        is_owner=is_owner,
        is_demo=owner.is_demo,
        **parts,
    )


def _tag_rows(profile_id: int, kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(kind, tag name) of the member's tags of `kinds`, in their order. Raw SQL: every
    profile page asks, and the ORM took longer to build the join than to run it."""
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(kinds))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pt.kind, t.name FROM {q(ProfileTag._meta.db_table)} pt "  # noqa: S608
            f"JOIN {q(Tag._meta.db_table)} t ON t.id = pt.tag_id "
            f"WHERE pt.profile_id = %s AND pt.kind IN ({marks}) ORDER BY pt.position, pt.id",
            [profile_id, *kinds],
        )
        return cursor.fetchall()


@dataclass(frozen=True)
class Face:
    """What an avatar shows of a member (`{% avatar face %}`), e.g. the relationship
    panel's mutual connections."""

    pk: int
    initials: str
    photo_url: str | None


def faces(ids: Sequence[int]) -> dict[int, Face]:
    """The members' faces by id, whoever they are (the caller has chosen them). One
    plain statement: model instances of the members and their profiles cost more to
    build than the rows cost to read."""
    if not ids:
        return {}
    q = connection.ops.quote_name
    photo_url = photo_url_maker()
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT user_id, display_name, photo FROM {q(Profile._meta.db_table)} "  # noqa: S608
            f"WHERE user_id IN ({marks})",
            list(ids),
        )
        rows = cursor.fetchall()
    return {
        pk: Face(pk=pk, initials=initials_of(name), photo_url=photo_url(photo) if photo else None)
        for pk, name, photo in rows
    }


def photo_url_maker() -> Callable[[str], str]:
    """`storage.url` for profile photos, for a list of them: with the file system storage
    the URL is its base URL and the quoted name, so the base is read once, not in
    `urljoin` for every avatar. Names `urljoin` would rewrite (empty, "." or ".."
    segments) and other storages get `storage.url` itself: the same string either way."""
    storage = Profile._meta.get_field("photo").storage
    base = storage.base_url if isinstance(storage, FileSystemStorage) else None
    if base is None or storage.__class__.url is not FileSystemStorage.url:
        return storage.url

    def url(name: str) -> str:
        path = filepath_to_uri(name).lstrip("/")
        if not path or "//" in path or "/." in f"/{path}":
            return storage.url(name)
        return base + path

    return url


# --- Member cards ------------------------------------------------------------------------
SKILLS_ON_CARD = 4


@dataclass(frozen=True)
class MemberCard:
    """A member in any list of people, as the viewer may see them: sections the viewer
    may not see are empty. Pages show it with includes/person_card.html; the API with
    guanxi.api.schemas.MemberCard."""

    id: int
    handle: str
    url: str  # the profile page, site-relative
    display_name: str
    headline: str
    initials: str  # shown when there is no photo
    photo_url: str | None  # site-relative (the storage's URL); the API makes it absolute
    is_demo: bool
    city: str = ""
    country: str = ""
    company: str = ""
    position: str = ""
    skills: list[str] = field(default_factory=list)
    open_to: list[OpenTo] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.city or self.country

    @property
    def meta(self) -> str:
        """The card's line under the headline: "Shanghai · Acme", either part alone, or ""."""
        return " · ".join(part for part in (self.city or self.country, self.company) if part)


# The profile columns a card reads, in the order `_cards` takes them (plus "connected").
CARD_FIELDS = (
    "pk", "display_name", "headline", "photo", "city", "place__name_en", "place__name_zh",
    "country", "company", "position", "open_to", "vis_location", "vis_work", "vis_skills", "vis_open_to",
    "user__username", "user__is_demo",
)  # fmt: skip


def member_cards(
    *, viewer, ids: Iterable[int], first_skill: str = "", keep_blocked: bool = False
) -> list[MemberCard]:
    """Cards of the members `ids`, in that order, as `viewer` (a user, AnonymousUser or
    None) may see them. Unknown and inactive members are left out, and so are members
    blocked either way unless `keep_blocked` (the viewer's own list of blocks).
    `first_skill` (a tag key) puts that skill first on the cards.

    At most three queries whatever the number of ids: the viewer's blocks, the profiles
    (each flagged if it is one of the viewer's connections) and the skills shown.
    """
    wanted = list(dict.fromkeys(ids))
    if wanted and not keep_blocked:
        hidden = hidden_member_ids(viewer)
        wanted = [pk for pk in wanted if pk not in hidden]
    if not wanted:
        return []
    audience = audience_of(viewer)
    found = {card.id: card for card in _cards(_card_rows(audience, wanted), audience, first_skill)}
    return [found[pk] for pk in wanted if pk in found]


def member_cards_of(
    profiles: QuerySet[Profile], *, viewer, first_skill: str = ""
) -> list[MemberCard]:
    """Cards of the profiles a caller's own query selects, in its order: for a list that
    finds its members in SQL anyway (the directory), so the page query fetches the cards
    too. The caller has left out inactive and blocked members. Two queries at most.
    (A caller that has the ids already asks `member_cards`: its statement costs less.)"""
    audience = audience_of(viewer)
    rows = profiles.annotate(
        connected=ExpressionWrapper(audience.connected_q(), output_field=BooleanField())
    ).values_list(*CARD_FIELDS, "connected")
    return _cards(list(rows), audience, first_skill)


def _cards(rows: Sequence[Sequence], audience: Audience, first_skill: str) -> list[MemberCard]:
    """The cards of rows of CARD_FIELDS and "connected", in their order."""

    def sees(row: Sequence, level: int) -> bool:
        return audience.sees(level, row[0], connected=bool(row[17]))

    with_skills = [row[0] for row in rows if sees(row, row[13])]
    skills = _card_skills(with_skills, first_skill) if with_skills else {}
    # Handles are [a-z0-9_]: build profile URLs around one reverse() instead of one each.
    url_head, _sep, url_tail = reverse("profile", kwargs={"handle": "~"}).partition("~")
    photo_url = photo_url_maker()
    cards = []
    for row in rows:
        (pk, name, headline, photo, city, name_en, name_zh, country, company, position,
         open_to, vis_location, vis_work, _vis_skills, vis_open_to, handle, is_demo, _c) = row  # fmt: skip
        location, work = sees(row, vis_location), sees(row, vis_work)
        cards.append(
            MemberCard(
                id=pk,
                handle=handle,
                url=f"{url_head}{handle}{url_tail}",
                display_name=name,
                headline=headline,
                initials=initials_of(name),
                photo_url=photo_url(photo) if photo else None,
                is_demo=bool(is_demo),
                # The gazetteer's name in the viewer's language, else what the member wrote.
                city=(localized_name(name_en, name_zh) or city) if location else "",
                country=country if location else "",
                company=company if work else "",
                position=position if work else "",
                skills=skills.get(pk, []),
                open_to=OpenTo.from_mask(open_to) if sees(row, vis_open_to) else [],
            )
        )
    return cards


# A viewer id that occurs nowhere else in the connection condition's parameters.
_VIEWER_MARKER = -(2**62) + 1
_card_statements: dict[tuple[str, str], tuple] = {}


def _card_rows(audience: Audience, ids: list[int]) -> list[tuple]:
    """Rows of CARD_FIELDS and "connected" for the active members among `ids`, in any
    order. Plain SQL: the ORM took longer to build this statement than to run it, and
    every list of people asks. The connection condition is the member graph's own SQL
    (`Audience.connected_q`), compiled once per database vendor for a marker viewer
    whose id each call puts in its place."""
    head, connected_sql, connected_params = _card_statement()
    viewer = audience.viewer_id
    if viewer is None or connected_sql is None:
        connected_sql, connected_params = "NULL", ()
    params = [viewer if p == _VIEWER_MARKER else p for p in connected_params]
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {head[0]}, {connected_sql} {head[1]} IN ({marks})", [*params, True, *ids]
        )
        return cursor.fetchall()


def _card_statement() -> tuple[tuple[str, str], str | None, tuple]:
    """(the columns and FROM ... WHERE around the connection condition, that condition
    and its parameters), for the database's vendor (None: no member graph)."""
    key = (connection.alias, connection.vendor)
    cached = _card_statements.get(key)
    if cached is not None:
        return cached
    q = connection.ops.quote_name
    profile, user = Profile._meta, User._meta
    place = Place._meta

    def col(meta, name: str) -> str:
        return f"{q(meta.db_table)}.{q(meta.get_field(name).column)}"

    columns = ", ".join(
        [
            f"{q(profile.db_table)}.{q(profile.pk.column)}",
            *(col(profile, n) for n in ("display_name", "headline", "photo", "city")),
            col(place, "name_en"),
            col(place, "name_zh"),
            *(col(profile, n) for n in ("country", "company", "position", "open_to")),
            *(col(profile, f"vis_{n}") for n in ("location", "work", "skills", "open_to")),
            col(user, "username"),
            col(user, "is_demo"),
        ]
    )
    pk = f"{q(profile.db_table)}.{q(profile.pk.column)}"
    tail = (
        f"FROM {q(profile.db_table)} "  # noqa: S608 - model tables
        f"INNER JOIN {q(user.db_table)} ON {q(user.db_table)}.{q(user.pk.column)} = {pk} "
        f"LEFT OUTER JOIN {q(place.db_table)} ON {q(place.db_table)}.{q(place.pk.column)} "
        f"= {col(profile, 'place')} WHERE {col(user, 'is_active')} = %s AND {pk}"
    )
    query = Profile.objects.annotate(
        connected=ExpressionWrapper(
            member_audience(_VIEWER_MARKER).connected_q(), output_field=BooleanField()
        )
    ).query
    compiler = query.get_compiler(connection=connection)
    try:
        connected_sql, connected_params = compiler.compile(query.annotations["connected"])
    except EmptyResultSet:  # no member graph: nobody is connected
        statement: tuple = ((columns, tail), None, ())
    else:
        statement = ((columns, tail), connected_sql, tuple(connected_params))
    _card_statements[key] = statement
    return statement


def _card_skills(ids: list[int], first_key: str = "") -> dict[int, list[str]]:
    """Up to SKILLS_ON_CARD skill names per profile, in the member's order, the skill
    `first_key` first. One query, in raw SQL: every list of cards asks, and building it
    with the ORM cost more than running it."""
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pt.profile_id, t.name, t.{q('key')} "  # noqa: S608 - model tables
            f"FROM {q(ProfileTag._meta.db_table)} pt JOIN {q(Tag._meta.db_table)} t "
            f"ON t.id = pt.tag_id WHERE pt.profile_id IN ({marks}) AND pt.kind = %s "
            "ORDER BY pt.profile_id, pt.position, pt.id",
            [*ids, ProfileTag.Kind.SKILL.value],
        )
        rows = cursor.fetchall()
    names: dict[int, list[str]] = defaultdict(list)
    for profile_id, name, key in rows:
        if first_key and key == first_key:
            names[profile_id].insert(0, name)
        else:
            names[profile_id].append(name)
    return {pid: skills[:SKILLS_ON_CARD] for pid, skills in names.items()}


def profile_for_owner(*, user: User) -> Profile:
    """The member's own profile for editing (created if an account somehow has none)."""
    from guanxi.accounts.services import profile_ensure

    try:
        return Profile.objects.select_related("user").get(user=user)
    except Profile.DoesNotExist:
        return profile_ensure(user=user, display_name=user.username)


def profile_tag_names(*, profile: Profile) -> dict[str, list[str]]:
    """{"skill": [...], "interest": [...]} in the member's order, in one query."""
    names: dict[str, list[str]] = {ProfileTag.Kind.SKILL: [], ProfileTag.Kind.INTEREST: []}
    rows = (
        ProfileTag.objects.filter(profile=profile)
        .order_by("position", "id")
        .values_list("kind", "tag__name")
    )
    for kind, name in rows:
        names.setdefault(kind, []).append(name)
    return names


def profile_tags(*, user_id: int) -> list[ProfileTag]:
    """The member's tags with their names: skills, then interests, each in their order."""
    return list(
        ProfileTag.objects.filter(profile_id=user_id)
        .select_related("tag")
        .order_by("kind", "position", "id")
    )


def has_tag(*, user_id: int, tag_id: int) -> bool:
    return ProfileTag.objects.filter(profile_id=user_id, tag_id=tag_id).exists()


def experiences_of(*, profile: Profile) -> QuerySet[Experience]:
    return Experience.objects.filter(profile=profile).select_related("place")


def educations_of(*, profile: Profile) -> QuerySet[Education]:
    return Education.objects.filter(profile=profile)


def experience_for_owner(*, user: User, entry_id: int) -> Experience:
    """The member's own entry; another member's (or a missing) one is a 404."""
    try:
        return Experience.objects.get(pk=entry_id, profile__user=user)
    except (Experience.DoesNotExist, ValueError, TypeError):
        raise EntryNotFound from None


def education_for_owner(*, user: User, entry_id: int) -> Education:
    try:
        return Education.objects.get(pk=entry_id, profile__user=user)
    except (Education.DoesNotExist, ValueError, TypeError):
        raise EntryNotFound from None


# The member's own account (settings pages and the /me endpoint).


@dataclass(frozen=True)
class AccountSummary:
    id: int
    handle: str
    email: str
    display_name: str
    date_joined: datetime
    email_verified: bool


def account_summary(*, user: User) -> AccountSummary:
    display_name = (
        Profile.objects.filter(user=user).values_list("display_name", flat=True).first()
        or user.username
    )
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()
    return AccountSummary(
        id=user.pk,
        handle=user.username,
        email=user.email,
        display_name=display_name,
        date_joined=user.date_joined,
        email_verified=verified,
    )


# Sessions begun within this long of joining count as a newcomer's first visit.
NEWCOMER_PERIOD = timedelta(days=1)


def is_newcomer(*, user: User) -> bool:
    """Greet as new rather than "back": the latest login (this visit's) began within a day
    of joining, e.g. right after confirming the email address."""
    return user.last_login is None or user.last_login - user.date_joined < NEWCOMER_PERIOD


# Personal access tokens.


def tokens_for_user(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


# Every API request signed in with a token asks: compiled once (see core/prepared.py).
# The digest is unique, so `[:1]` in the model's order is what `.first()` returned.
_token_by_digest = PreparedQuery(
    lambda digest: AccessToken.objects.select_related("user").filter(
        digest=digest, user__is_active=True
    )[:1],
    "\x00digest",
)


def token_for_raw(raw: str) -> AccessToken | None:
    """The token `raw` stands for, with its user, if that user is active; else None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > TOKEN_RAW_MAX:
        return None
    found = _token_by_digest(token_digest(raw))
    return found[0] if found else None
