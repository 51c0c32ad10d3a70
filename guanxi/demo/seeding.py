"""Write the demo community to the database in bulk.

Idempotent: a member is identified by its handle (a function of seed and index), so
a second run skips everyone who exists and a larger --members adds only the rest.
Fast: one password hash for everyone, tags created once, every table filled with
bulk_create in batches, keys normalised in Python, no per-row save().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from guanxi.accounts.models import (
    Education,
    Experience,
    Profile,
    ProfileTag,
    Tag,
    User,
    normalize_text,
)
from guanxi.demo.avatars import avatar_name, ensure_avatars
from guanxi.demo.generator import MemberSpec, all_tag_names, member_spec
from guanxi.places.selectors import place_ids_for_texts
from guanxi.startup import DemoLogin

DEMO_PASSWORD = "guanxi-demo-2026"  # noqa: S105 - documented shared demo password
DEFAULT_MEMBERS = 300
DEFAULT_SEED = 2026
BATCH_SIZE = 1000


class DemoSeedConflict(Exception):
    """Demo members from another seed exist; mixing two communities would confuse."""


@dataclass(frozen=True)
class SeedReport:
    created: int
    existing: int
    skipped: int  # handle or email taken by a real member
    demo_total: int


def ensure_tags(names: list[str]) -> dict[str, int]:
    """Tag ids by key for `names`, creating the missing tags."""
    by_key = {normalize_text(name): name for name in names}
    existing = dict(Tag.objects.filter(key__in=by_key).values_list("key", "id"))
    missing = [Tag(name=name, key=key) for key, name in by_key.items() if key not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = dict(Tag.objects.filter(key__in=by_key).values_list("key", "id"))
    return existing


def _check_seed(seed: int, members: int) -> None:
    if not User.objects.filter(is_demo=True).exists():
        return
    probe = [member_spec(seed, i).handle for i in range(min(members, 20))]
    if not User.objects.filter(is_demo=True, username__in=probe).exists():
        raise DemoSeedConflict(
            "Demo members from a different seed already exist. "
            "Run `guanxi demo --reset` first to replace them."
        )


def _profile(spec: MemberSpec, user: User, place_ids: dict[str, int | None]) -> Profile:
    vis = {f"vis_{section}": level for section, level in spec.visibility.items()}
    return Profile(
        user=user,
        display_name=spec.display_name,
        name_key=normalize_text(spec.display_name),
        headline=spec.headline,
        about=spec.about,
        about_html=spec.about_html,
        photo=avatar_name(spec.avatar) if spec.avatar is not None else "",
        city=spec.city,
        city_key=normalize_text(spec.city),
        place_id=place_ids[spec.city],
        country=spec.country,
        country_key=normalize_text(spec.country),
        company=spec.company,
        company_key=normalize_text(spec.company),
        position=spec.position,
        open_to=spec.open_to,
        languages=spec.languages,
        links=spec.links,
        listed=spec.listed,
        **vis,
    )


def _create_batch(
    specs: list[MemberSpec], *, password_hash: str, tag_ids: dict[str, int], now
) -> None:
    users = [
        User(
            username=spec.handle,
            email=spec.email,
            password=password_hash,
            is_demo=True,
            date_joined=now - timedelta(days=spec.joined_days_ago),
        )
        for spec in specs
    ]
    User.objects.bulk_create(users)
    if any(user.pk is None for user in users):  # databases without RETURNING
        ids = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list(
                "username", "id"
            )
        )
        for user in users:
            user.pk = ids[user.username]
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    place_ids = place_ids_for_texts(
        [spec.city for spec in specs] + [e.location for spec in specs for e in spec.experiences]
    )
    Profile.objects.bulk_create(
        [_profile(spec, user, place_ids) for spec, user in zip(specs, users, strict=True)]
    )
    # created_at is auto_now_add, which bulk_create fills with "now": copy the join date.
    Profile.objects.filter(pk__in=[u.pk for u in users]).update(
        created_at=Subquery(User.objects.filter(pk=OuterRef("pk")).values("date_joined")[:1])
    )
    # The child rows are the bulk of the data: insert them as plain tuples, skipping
    # model instances (three times faster than bulk_create at 100k members).
    tags: list[tuple] = []
    experiences: list[tuple] = []
    educations: list[tuple] = []
    for spec, user in zip(specs, users, strict=True):
        for kind, names in (
            (ProfileTag.Kind.SKILL, spec.skills),
            (ProfileTag.Kind.INTEREST, spec.interests),
        ):
            tags.extend(
                (user.pk, tag_ids[normalize_text(name)], kind.value, position)
                for position, name in enumerate(names)
            )
        experiences.extend(
            (
                user.pk,
                e.company,
                e.title,
                e.location,
                place_ids[e.location],
                e.start_year,
                e.end_year,
                e.description,
            )
            for e in spec.experiences
        )
        educations.extend(
            (
                user.pk,
                e.school,
                normalize_text(e.school),
                e.degree,
                e.field,
                e.start_year,
                e.end_year,
            )
            for e in spec.educations
        )
    _insert_rows(ProfileTag, ("profile", "tag", "kind", "position"), tags)
    _insert_rows(
        Experience,
        (
            "profile",
            "company",
            "title",
            "location",
            "place",
            "start_year",
            "end_year",
            "description",
        ),
        experiences,
    )
    _insert_rows(
        Education,
        ("profile", "school", "school_key", "degree", "field", "start_year", "end_year"),
        educations,
    )


def _insert_rows(model, field_names: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT plain value tuples; the caller supplies every non-default column."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in field_names)
    placeholders = ", ".join(["%s"] * len(field_names))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - identifiers from model metadata
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def seed_demo(
    *,
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Create demo members 0..members-1 of the community `seed` that do not exist yet.

    Each batch commits on its own, so an interrupted run resumes where it stopped.
    Raises DemoSeedConflict when demo members of another seed exist.
    """
    _check_seed(seed, members)
    ensure_avatars()
    tag_ids = ensure_tags(all_tag_names())
    password_hash = make_password(DEMO_PASSWORD)
    now = timezone.now()
    created = existing = skipped = 0
    for start in range(0, members, batch_size):
        specs = [member_spec(seed, i) for i in range(start, min(start + batch_size, members))]
        handles = [spec.handle for spec in specs]
        taken = dict(User.objects.filter(username__in=handles).values_list("username", "is_demo"))
        taken_emails = set(
            User.objects.filter(email__in=[s.email for s in specs]).values_list("email", flat=True)
        )
        fresh = []
        for spec in specs:
            if spec.handle in taken:
                if taken[spec.handle]:
                    existing += 1
                else:
                    skipped += 1
            elif spec.email in taken_emails:
                skipped += 1
            else:
                fresh.append(spec)
        if fresh:
            with transaction.atomic():
                _create_batch(fresh, password_hash=password_hash, tag_ids=tag_ids, now=now)
            created += len(fresh)
        if progress:
            progress(min(start + batch_size, members), members)
    if created:
        refresh_statistics()
    return SeedReport(
        created=created,
        existing=existing,
        skipped=skipped,
        demo_total=User.objects.filter(is_demo=True).count(),
    )


def refresh_statistics() -> None:
    """Let the query planner see the new data: SQLite's ANALYZE; on PostgreSQL, VACUUM
    ANALYZE, which also marks the freshly written pages all-visible so index-only scans
    work (tag and key counts read the index alone)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif connection.vendor == "postgresql" and not connection.in_atomic_block:
        tables = [
            model._meta.db_table
            for model in (User, EmailAddress, Profile, Tag, ProfileTag, Experience, Education)
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def demo_login() -> DemoLogin | None:
    """The demo member to suggest logging in as: the first of the default community
    (the one the README names) when it is there, else the oldest demo member."""
    members = User.objects.filter(is_demo=True, is_active=True).order_by("pk")
    first = member_spec(DEFAULT_SEED, 0).handle
    row = members.filter(username=first).values_list("email", "username").first()
    row = row or members.values_list("email", "username").first()
    return DemoLogin(email=row[0], handle=row[1], password=DEMO_PASSWORD) if row else None


def remove_demo() -> int:
    """Delete every demo member and what they own; returns how many were removed."""
    count = User.objects.filter(is_demo=True).count()
    User.objects.filter(is_demo=True).delete()
    return count
