"""Members: the account (User) and the profile a member shows to the community."""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.handles import HANDLE_MAX, HANDLE_VALIDATORS
from guanxi.accounts.visibility import Visibility
from guanxi.core.prepared import PreparedQuery
from guanxi.core.text import normalize_text as normalize_text  # accounts' callers import it here
from guanxi.places.models import localized_name


class Members(UserManager):
    def get(self, *args, **kwargs):
        # Every signed-in request loads its member by id (the auth backend's
        # `_default_manager.get(pk=...)`): that statement is compiled once.
        if not args and kwargs.keys() == {"pk"} and type(kwargs["pk"]) is int and not self._db:
            found = _member_by_pk(kwargs["pk"])
            if not found:
                raise self.model.DoesNotExist(
                    f"{self.model._meta.object_name} matching query does not exist."
                )
            return found[0]
        return super().get(*args, **kwargs)


class User(AbstractUser):
    """An account. `username` is the member's public handle (/@handle)."""

    username = models.CharField(
        _("handle"),
        max_length=HANDLE_MAX,
        unique=True,
        validators=HANDLE_VALIDATORS,
        help_text=_("3–30 lowercase letters, digits or underscores."),
        error_messages={"unique": _("This handle is taken.")},
    )
    email = models.EmailField(_("email address"), unique=True)
    is_demo = models.BooleanField(_("demo member"), default=False, db_index=True)

    objects = Members()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    @property
    def handle(self) -> str:
        return self.username


class OpenTo(models.IntegerChoices):
    """What a member is open to; stored as a bitmask on Profile.open_to."""

    NEW_JOB = 1, _("A new job")
    HIRING = 2, _("Hiring")
    MENTORING = 4, _("Mentoring others")
    BEING_MENTORED = 8, _("Being mentored")
    COLLABORATIONS = 16, _("Collaborations")
    SPEAKING = 32, _("Speaking or podcast guest")
    BUSINESS_LEADS = 64, _("Business leads")
    PARTNERSHIPS = 128, _("Partnerships")

    @property
    def slug(self) -> str:
        """Stable machine name used by the API and URLs: "new_job", "hiring" ..."""
        return self.name.lower()

    @classmethod
    def from_slug(cls, slug: str) -> OpenTo | None:
        return next((item for item in cls if item.name.lower() == slug), None)

    @classmethod
    def from_mask(cls, mask: int) -> list[OpenTo]:
        return [item for item in cls if mask & item.value]

    @classmethod
    def to_mask(cls, values) -> int:
        mask = 0
        for value in values:
            mask |= int(value)
        return mask


def photo_upload_to(instance: Profile, filename: str) -> str:
    # A fresh random name per upload: caches never serve a replaced photo, and the
    # member's original file name (which may say anything) is never kept.
    return f"photos/{instance.pk}/{secrets.token_hex(8)}.jpg"


# Years for experience and education entries.
YEAR_MIN = 1900
YEAR_MAX = 2100
_year_validators = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


# Sections a member can show or hide; each is a `vis_<section>` column so the
# directory can filter on visibility in SQL.
SECTIONS = (
    ("about", _("About")),
    ("location", _("Location")),
    ("work", _("Work")),
    ("experience", _("Experience")),
    ("education", _("Education")),
    ("skills", _("Skills")),
    ("interests", _("Interests")),
    ("languages", _("Languages")),
    ("open_to", _("Open to")),
    ("links", _("Links")),
)
SECTION_KEYS = tuple(key for key, _label in SECTIONS)


def _vis(default: int = Visibility.MEMBERS) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(choices=Visibility.choices, default=default)


_member_by_pk = PreparedQuery(lambda pk: User.objects.filter(pk=pk), -(2**62) + 1)


class Profile(models.Model):
    """What a member shows the community. Basics (name, handle, headline, photo) are
    always visible; every other section has its own audience."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=100)
    name_key = models.CharField(max_length=100, db_index=True, editable=False)
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    # TextField's max_length only sizes form widgets: the validator enforces it.
    about = models.TextField(
        _("about"), max_length=5000, blank=True, validators=[MaxLengthValidator(5000)]
    )
    about_html = models.TextField(blank=True, editable=False)
    photo = models.ImageField(_("photo"), upload_to=photo_upload_to, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    city_key = models.CharField(max_length=80, blank=True, db_index=True, editable=False)
    # The gazetteer's place when `city` names one (searchable and shown in either
    # language); `city` keeps what the member wrote, for places the gazetteer lacks.
    place = models.ForeignKey(
        "places.Place", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    country = models.CharField(_("country"), max_length=80, blank=True)
    country_key = models.CharField(max_length=80, blank=True, db_index=True, editable=False)
    company = models.CharField(_("current company"), max_length=120, blank=True)
    company_key = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    position = models.CharField(_("current position"), max_length=120, blank=True)
    open_to = models.PositiveIntegerField(_("open to"), default=0)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    listed = models.BooleanField(_("show me in the member directory"), default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    vis_about = _vis(Visibility.PUBLIC)
    vis_location = _vis()
    vis_work = _vis()
    vis_experience = _vis()
    vis_education = _vis()
    vis_skills = _vis()
    vis_interests = _vis()
    vis_languages = _vis()
    vis_open_to = _vis()
    vis_links = _vis()

    class Meta:
        indexes = [models.Index(fields=["listed", "name_key"], name="profile_dir_name")]

    def __str__(self) -> str:
        return f"{self.display_name} (@{self.user.username})"

    def visibility_of(self, section: str) -> int:
        return getattr(self, f"vis_{section}")

    @property
    def city_name(self) -> str:
        """The city in the viewer's language when the gazetteer knows it, else as written."""
        if self.place_id is None:
            return self.city
        return localized_name(self.place.name_en, self.place.name_zh)

    @property
    def open_to_list(self) -> list[OpenTo]:
        return OpenTo.from_mask(self.open_to)

    @property
    def initials(self) -> str:
        return initials_of(self.display_name)

    @property
    def photo_url(self) -> str | None:
        """The photo's URL (site-relative with the default storage), or None."""
        return self.photo.url if self.photo else None


# Han, kana and Hangul (BMP blocks, compatibility ideographs, Han extensions B and on).
CJK_CHARACTER = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0003ffff]"
)


def initials_of(name: str) -> str:
    """An avatar's letters, all from one script (never "M陈" for "Mei 陈").

    A name with Chinese, Japanese or Korean characters shows its first such character,
    the family name in the usual order ("陈明" and "Mei 陈" give "陈"); other names show
    the first letters of their first and last words ("Ana María López" gives "AL"), or
    the first two letters of a one-word Latin name ("Bob" gives "BO").
    """
    cjk = next((ch for ch in name if ch.isalpha() and CJK_CHARACTER.match(ch)), None)
    if cjk:  # (not the ideographic space or CJK punctuation)
        return cjk
    words = ["".join(ch for ch in word if ch.isalpha()) for word in name.split()]
    words = [word for word in words if word]
    if not words:
        return "?"
    if len(words) == 1:
        word = words[0]
        return word[:2].upper() if word.isascii() else word[:1].upper()
    return (words[0][:1] + words[-1][:1]).upper()


class Tag(models.Model):
    """A skill or interest label, shared across members and matched case-insensitively."""

    name = models.CharField(max_length=50)
    # normalize_text(name); casefold can lengthen a string (ß -> ss), hence the room.
    key = models.CharField(max_length=150, unique=True)

    def __str__(self) -> str:
        return self.name


class ProfileTag(models.Model):
    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill")
        INTEREST = "interest", _("Interest")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="profile_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="profile_tags")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "tag"], name="profiletag_unique"),
        ]
        indexes = [models.Index(fields=["kind", "tag", "profile"], name="profiletag_by_tag")]
        ordering = ["position", "id"]


class Experience(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="experiences")
    company = models.CharField(_("company"), max_length=120)
    title = models.CharField(_("title"), max_length=120)
    location = models.CharField(_("location"), max_length=120, blank=True)
    place = models.ForeignKey(
        "places.Place", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=_year_validators)
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=_year_validators,
        help_text=_("Leave empty if you still work here."),
    )
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )

    class Meta:
        # Current roles first, then the most recently ended.
        ordering = [models.F("end_year").desc(nulls_first=True), "-start_year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="experience_years_ordered",
                violation_error_message=_("The end year cannot be before the start year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.company}"

    @property
    def location_name(self) -> str:
        """The location in the viewer's language when the gazetteer knows it."""
        if self.place_id is None:
            return self.location
        return localized_name(self.place.name_en, self.place.name_zh)


class Education(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="educations")
    school = models.CharField(_("school"), max_length=150)
    school_key = models.CharField(max_length=150, editable=False)
    degree = models.CharField(_("degree"), max_length=120, blank=True)
    field = models.CharField(_("field of study"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=_year_validators
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=_year_validators
    )

    class Meta:
        # Ongoing studies first, then the most recent.
        ordering = [
            models.F("end_year").desc(nulls_first=True),
            models.F("start_year").desc(nulls_last=True),
            "-id",
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="education_years_ordered",
                violation_error_message=_("The end year cannot be before the start year."),
            )
        ]
        # The directory's school filter reads this index alone (no table lookups).
        indexes = [models.Index(fields=["school_key", "profile"], name="education_by_school")]

    def __str__(self) -> str:
        return self.school


class AccessToken(models.Model):
    """A personal access token for the API. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
