"""Writes for accounts and profiles. Keyword-only, typed, atomic.

Every write validates fully before touching the database and raises Invalid (with
field -> messages) for bad input, so the site's forms and the API report the same
errors and nothing is ever half-written. Validators shared with forms (tags, links)
raise Django's ValidationError; the services collect them into one Invalid.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts import images, tags
from guanxi.accounts.errors import (
    PhotoTooLarge,
    TokenLimitReached,
    TokenNotFound,
    TooManyEntries,
)
from guanxi.accounts.models import (
    SECTION_KEYS,
    AccessToken,
    Education,
    Experience,
    OpenTo,
    Profile,
    ProfileTag,
    Tag,
    User,
    normalize_text,
)
from guanxi.accounts.selectors import token_for_raw
from guanxi.accounts.signals import member_deleted
from guanxi.accounts.tokens import MAX_TOKENS_PER_USER, TOKEN_PREFIX, clean_token_name, token_digest
from guanxi.accounts.visibility import Visibility
from guanxi.core.errors import Invalid
from guanxi.core.markdown import render_markdown
from guanxi.core.signals import send_on_commit
from guanxi.places.selectors import place_id_for_text

PROFILE_TEXT_FIELDS = (
    "display_name",
    "headline",
    "about",
    "city",
    "country",
    "company",
    "position",
)
# The lookup columns the directory filters on, kept in step with their source field.
_KEYED_FIELDS = {
    "display_name": "name_key",
    "city": "city_key",
    "country": "country_key",
    "company": "company_key",
}

MAX_LINKS = 10
LINK_LABEL_MAX = 60
LINK_URL_MAX = 300
MAX_EXPERIENCES = 30
MAX_EDUCATIONS = 20

EXPERIENCE_FIELDS = ("company", "title", "location", "start_year", "end_year", "description")
EDUCATION_FIELDS = ("school", "degree", "field", "start_year", "end_year")

_http_url = URLValidator(schemes=["http", "https"])


@transaction.atomic
def profile_ensure(*, user: User, display_name: str) -> Profile:
    """Create the member's profile if it does not exist yet."""
    display_name = display_name.strip()[:100] or user.username
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": display_name, "name_key": normalize_text(display_name)}
    )
    return profile


# --- Profile fields -------------------------------------------------------------


class _Errors:
    """Collects field errors so one response can name every problem at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, error: ValidationError | str) -> None:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        self.fields.setdefault(field, []).extend(messages)

    def raise_if_any(self) -> None:
        if self.fields:
            raise Invalid(fields=self.fields)


def clean_links(links: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Label + http(s) URL pairs; empty rows are dropped, a missing label becomes the host."""
    cleaned: list[dict[str, str]] = []
    errors: list[str] = []
    for number, link in enumerate(links, start=1):
        if not isinstance(link, Mapping):
            errors.append(_("Link %(n)d: expected a label and a URL.") % {"n": number})
            continue
        label = " ".join(str(link.get("label") or "").split())
        url = str(link.get("url") or "").strip()
        if not url and not label:
            continue
        if not url:
            errors.append(_("Link %(n)d: the URL is missing.") % {"n": number})
            continue
        if len(url) > LINK_URL_MAX:
            errors.append(
                _("Link %(n)d: the URL is too long (at most %(max)d characters).")
                % {"n": number, "max": LINK_URL_MAX}
            )
            continue
        try:
            _http_url(url)
        except ValidationError:
            errors.append(
                _("Link %(n)d: enter a full web address starting with http:// or https://.")
                % {"n": number}
            )
            continue
        if len(label) > LINK_LABEL_MAX:
            errors.append(
                _("Link %(n)d: the label is too long (at most %(max)d characters).")
                % {"n": number, "max": LINK_LABEL_MAX}
            )
            continue
        cleaned.append({"label": label or (urlsplit(url).hostname or url), "url": url})
    if len(cleaned) > MAX_LINKS:
        errors.append(
            ngettext("At most %(max)d link, please.", "At most %(max)d links, please.", MAX_LINKS)
            % {"max": MAX_LINKS}
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_open_to(values: Iterable[OpenTo | int | str]) -> int:
    """A bitmask from OpenTo members, their values, or their slugs ("new_job")."""
    mask = 0
    for value in values:
        item: OpenTo | None
        if isinstance(value, str) and not value.isdigit():
            item = OpenTo.from_slug(value)
        else:
            try:
                item = OpenTo(int(value))
            except (TypeError, ValueError):
                item = None
        if item is None:
            raise ValidationError(_("“%(value)s” is not a known choice.") % {"value": value})
        mask |= item.value
    return mask


def clean_visibility(visibility: Mapping[str, Any]) -> dict[str, int]:
    """section -> Visibility value; accepts values or names ("members", "only_me")."""
    cleaned: dict[str, int] = {}
    for section, raw in visibility.items():
        if section not in SECTION_KEYS:
            raise ValidationError(_("“%(value)s” is not a profile section.") % {"value": section})
        level: int | None = None
        if isinstance(raw, str) and not raw.isdigit():
            level = next((v.value for v in Visibility if v.name.lower() == raw), None)
        elif not isinstance(raw, bool):
            try:
                level = int(raw)
            except (TypeError, ValueError):
                level = None
        if level not in Visibility.values:
            raise ValidationError(_("“%(value)s” is not a known audience.") % {"value": raw})
        cleaned[section] = level
    return cleaned


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    display_name: str | None = None,
    headline: str | None = None,
    about: str | None = None,
    city: str | None = None,
    country: str | None = None,
    company: str | None = None,
    position: str | None = None,
    open_to: Iterable[OpenTo | int | str] | None = None,
    languages: Sequence[str] | None = None,
    links: Sequence[Mapping[str, Any]] | None = None,
    skills: Sequence[str] | None = None,
    interests: Sequence[str] | None = None,
    listed: bool | None = None,
    visibility: Mapping[str, Any] | None = None,
) -> Profile:
    """Change any part of a profile. None leaves a part as it is; "" or [] clears it.

    Raises Invalid naming every bad field with its messages; then nothing is saved.
    """
    errors = _Errors()
    texts = {
        "display_name": display_name,
        "headline": headline,
        "about": about,
        "city": city,
        "country": country,
        "company": company,
        "position": position,
    }
    changed: set[str] = set()
    for field, value in texts.items():
        if value is None:
            continue
        if not isinstance(value, str):
            errors.add(field, _("Enter text."))
            continue
        value = value.strip()
        if field != "about":
            value = " ".join(value.split())
        setattr(profile, field, value)
        changed.add(field)
        if field in _KEYED_FIELDS:
            key_field = _KEYED_FIELDS[field]
            # casefold may lengthen text a little; the key is for matching only.
            key = Profile._meta.get_field(key_field)
            max_length = key.max_length if isinstance(key, models.Field) else None
            setattr(profile, key_field, normalize_text(value)[:max_length])
            changed.add(key_field)
    if "city" in changed:
        profile.place_id = place_id_for_text(profile.city)
        changed.add("place")
    if "display_name" in changed and not profile.display_name:
        errors.add("display_name", _("Your name cannot be empty."))
    if "about" in changed:
        profile.about_html = render_markdown(profile.about)
        changed.add("about_html")

    if open_to is not None:
        try:
            profile.open_to = clean_open_to(open_to)
            changed.add("open_to")
        except ValidationError as exc:
            errors.add("open_to", exc)
    if languages is not None:
        try:
            profile.languages = tags.clean_languages(languages)
            changed.add("languages")
        except ValidationError as exc:
            errors.add("languages", exc)
    if links is not None:
        try:
            profile.links = clean_links(links)
            changed.add("links")
        except ValidationError as exc:
            errors.add("links", exc)
    if listed is not None:
        profile.listed = bool(listed)
        changed.add("listed")
    if visibility is not None:
        try:
            for section, level in clean_visibility(visibility).items():
                setattr(profile, f"vis_{section}", level)
                changed.add(f"vis_{section}")
        except ValidationError as exc:
            errors.add("visibility", exc)

    tag_names: dict[ProfileTag.Kind, list[str]] = {}
    for kind, names in ((ProfileTag.Kind.SKILL, skills), (ProfileTag.Kind.INTEREST, interests)):
        if names is None:
            continue
        field = "skills" if kind == ProfileTag.Kind.SKILL else "interests"
        try:
            tag_names[kind] = tags.clean_tag_names(names)
        except ValidationError as exc:
            errors.add(field, exc)

    # Validate (and save) only what this call changes: two sections saved at once from
    # two tabs must not overwrite each other.
    untouched = [f.name for f in Profile._meta.concrete_fields if f.name not in changed]
    try:
        profile.full_clean(exclude=untouched, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field not in errors.fields:
                errors.add(field, ValidationError(messages))
    errors.raise_if_any()

    if changed:
        profile.save(update_fields=[*sorted(changed), "updated_at"])
    for kind, names in tag_names.items():
        _replace_tags(profile=profile, kind=kind, names=names)
    return profile


def _tags_for(names: Sequence[str]) -> dict[str, Tag]:
    """key -> Tag for every name, creating the missing ones (the first spelling wins)."""
    keys = {tags.tag_key(name): name for name in names}
    found = {tag.key: tag for tag in Tag.objects.filter(key__in=keys)}
    missing = [Tag(name=name, key=key) for key, name in keys.items() if key not in found]
    if missing:
        # ignore_conflicts: another member may create the same tag at the same moment.
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        found.update({tag.key: tag for tag in Tag.objects.filter(key__in=[t.key for t in missing])})
    return found


def _replace_tags(*, profile: Profile, kind: str, names: Sequence[str]) -> None:
    by_key = _tags_for(names)
    ProfileTag.objects.filter(profile=profile, kind=kind).delete()
    ProfileTag.objects.bulk_create(
        [
            ProfileTag(profile=profile, tag=by_key[tags.tag_key(name)], kind=kind, position=i)
            for i, name in enumerate(names)
        ]
    )


# --- Photo ----------------------------------------------------------------------


def photo_file_is_owned(*, user_id: int, name: str) -> bool:
    """True for a file this member uploaded (photos/<id>/...). Other names, such as the
    demo community's shared avatars, belong to many profiles and must never be deleted
    on one member's behalf."""
    return bool(name) and name.startswith(f"photos/{user_id}/")


def _delete_photo_on_commit(profile: Profile, name: str) -> None:
    if photo_file_is_owned(user_id=profile.pk, name=name):
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def profile_photo_set(*, profile: Profile, upload: UploadedFile) -> Profile:
    """Replace the member's photo with a checked, square 512px JPEG made from `upload`.

    Raises PhotoTooLarge (413) or Invalid (not an image), on the field `photo`.
    """
    try:
        content = images.process_photo(upload)
    except ValidationError as exc:
        error = PhotoTooLarge if exc.code == images.CODE_TOO_LARGE else Invalid
        raise error(" ".join(exc.messages), fields={"photo": exc.messages}) from None
    storage = profile.photo.storage
    old_name = profile.photo.name
    profile.photo.save("photo.jpg", content, save=False)
    new_name = profile.photo.name
    try:
        profile.save(update_fields=["photo", "updated_at"])
    except Exception:
        storage.delete(new_name)
        raise
    _delete_photo_on_commit(profile, old_name)
    return profile


@transaction.atomic
def profile_photo_remove(*, profile: Profile) -> Profile:
    old_name = profile.photo.name
    if not old_name:
        return profile
    profile.photo = ""
    profile.save(update_fields=["photo", "updated_at"])
    _delete_photo_on_commit(profile, old_name)
    return profile


# --- Experience and education entries --------------------------------------------


def _apply_entry_fields(entry, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise Invalid(fields={field: [_("This field cannot be set.")] for field in sorted(unknown)})
    for field, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if field != "description":
                value = " ".join(value.split())
        if field.endswith("_year") and value == "":
            value = None
        setattr(entry, field, value)


def _clean_entry(entry) -> None:
    """full_clean with the year order reported on the end year, where the member fixes it."""
    errors: dict[str, list[str]] = {}
    try:
        entry.full_clean(exclude=["profile"], validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    start, end = entry.start_year, entry.end_year
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and end < start
        and "end_year" not in errors
        and "start_year" not in errors
    ):
        errors["end_year"] = [_("The end year cannot be before the start year.")]
    if errors:
        raise Invalid(fields=errors)


def _lock_profile(profile: Profile) -> None:
    # Serialises concurrent adds, so the entry limit holds (a no-op lock on SQLite,
    # whose write transactions are already exclusive).
    Profile.objects.select_for_update().filter(pk=profile.pk).first()


@transaction.atomic
def experience_create(*, profile: Profile, data: Mapping[str, Any]) -> Experience:
    _lock_profile(profile)
    if Experience.objects.filter(profile=profile).count() >= MAX_EXPERIENCES:
        raise TooManyEntries(
            _("You can list at most %(max)d positions.") % {"max": MAX_EXPERIENCES}
        )
    entry = Experience(profile=profile)
    _apply_entry_fields(entry, data, EXPERIENCE_FIELDS)
    _clean_entry(entry)
    entry.place_id = place_id_for_text(entry.location)
    entry.save()
    return entry


@transaction.atomic
def experience_update(*, experience: Experience, data: Mapping[str, Any]) -> Experience:
    _apply_entry_fields(experience, data, EXPERIENCE_FIELDS)
    _clean_entry(experience)
    experience.place_id = place_id_for_text(experience.location)
    experience.save()
    return experience


@transaction.atomic
def experience_delete(*, experience: Experience) -> None:
    experience.delete()


@transaction.atomic
def education_create(*, profile: Profile, data: Mapping[str, Any]) -> Education:
    _lock_profile(profile)
    if Education.objects.filter(profile=profile).count() >= MAX_EDUCATIONS:
        raise TooManyEntries(_("You can list at most %(max)d schools.") % {"max": MAX_EDUCATIONS})
    entry = Education(profile=profile)
    _apply_entry_fields(entry, data, EDUCATION_FIELDS)
    entry.school_key = normalize_text(entry.school or "")[:150]
    _clean_entry(entry)
    entry.save()
    return entry


@transaction.atomic
def education_update(*, education: Education, data: Mapping[str, Any]) -> Education:
    _apply_entry_fields(education, data, EDUCATION_FIELDS)
    education.school_key = normalize_text(education.school or "")[:150]
    _clean_entry(education)
    education.save()
    return education


@transaction.atomic
def education_delete(*, education: Education) -> None:
    education.delete()


# The account itself (as opposed to the profile): deleting it.

logger = logging.getLogger(__name__)


def _remove_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # the row is gone either way; a stray file is only disk space
        logger.warning("could not delete %s after account deletion", name, exc_info=True)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account and, by cascade, its profile, tokens, email addresses and
    everything the member created. Their uploaded photo goes once the deletion commits."""
    photo = Profile.objects.filter(user=user).values_list("photo", flat=True).first()
    user_id = user.pk
    User.objects.filter(pk=user_id).delete()
    # Shared files (the demo community's avatars) are not this member's to delete.
    if photo and photo_file_is_owned(user_id=user_id, name=photo):
        transaction.on_commit(lambda: _remove_file(photo))
    send_on_commit(member_deleted, User, user_id=user_id)


# Personal access tokens (format and rules in tokens.py).


@transaction.atomic
def access_token_create(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token and return it with the raw secret, which is shown once.

    Raises Invalid for a bad name and TokenLimitReached at the cap.
    """
    try:
        name = clean_token_name(name)
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    # Lock the user row so two concurrent creations cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if AccessToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise TokenLimitReached(
            _("You already have %(max)d tokens. Revoke one you no longer use first.")
            % {"max": MAX_TOKENS_PER_USER}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=token_digest(raw)
    )
    return token, raw


# How stale last_used_at may get: writing it on every request would turn reads into writes.
LAST_USED_PRECISION = timedelta(minutes=1)


def access_token_use(*, raw: str) -> User | None:
    """Sign in with a personal access token: the active user owning `raw`, or None. Notes
    when the token was used (at most once a LAST_USED_PRECISION, a conditional update)."""
    token = token_for_raw(raw)
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def access_token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of the member's tokens; TokenNotFound if it is not theirs (or is gone)."""
    deleted, _detail = AccessToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise TokenNotFound


@transaction.atomic
def access_tokens_revoke_all(*, user: User) -> int:
    """Delete every token of the member (e.g. when their password may have leaked)."""
    deleted, _detail = AccessToken.objects.filter(user=user).delete()
    return deleted
