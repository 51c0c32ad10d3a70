"""API for profiles: anyone's by handle (visibility respected) and the member's own.

Endpoints are thin: reads go through selectors.profile_view (which drops what the
viewer may not see), writes through services (whose errors the API's handlers answer).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from guanxi.accounts import selectors, services
from guanxi.accounts.models import (
    SECTION_KEYS,
    YEAR_MAX,
    YEAR_MIN,
    Education,
    Experience,
    Profile,
    User,
)
from guanxi.accounts.selectors import ProfileView
from guanxi.accounts.settings.api import router as settings_router
from guanxi.accounts.visibility import Visibility
from guanxi.api.auth import member_auth
from guanxi.api.pagination import PageQuery, numbered_page
from guanxi.api.schemas import NOT_BLANK, ListPage, Payload, absolute_url
from guanxi.core.errors import Invalid

router = Router(tags=["profiles"])


def _anonymous(request: HttpRequest) -> str | None:
    """Let reads through without credentials; a request that sent a (wrong) token still
    gets its 401 rather than quietly being served as anonymous."""
    if request.headers.get("Authorization"):
        return None
    return "anonymous"


public_auth = [*member_auth, _anonymous]


# --- Schemas -------------------------------------------------------------------------


class LinkSchema(Payload):
    label: str = ""
    url: str


class LocationOut(Schema):
    city: str = Field(description="In the request's language when the city is a known place.")
    country: str
    place_id: int | None = Field(None, description="GeoNames id of the city, when known.")


class WorkOut(Schema):
    company: str
    position: str


class ExperienceOut(Schema):
    id: int
    company: str
    title: str
    location: str
    start_year: int
    end_year: int | None
    description: str


class EducationOut(Schema):
    id: int
    school: str
    degree: str
    field: str
    start_year: int | None
    end_year: int | None


class ExperiencePage(ListPage):
    items: list[ExperienceOut]


class EducationPage(ListPage):
    items: list[EducationOut]


ENTRIES_PER_PAGE = 50


def _entry_page(entries: models.QuerySet, query: PageQuery) -> dict[str, Any]:
    """A page of the member's own entries, paged by number like the site's lists."""
    items, following, count = numbered_page(entries, page=query.number(), per_page=ENTRIES_PER_PAGE)
    return {"items": items, "next": following, "count": count, "count_is": "exact"}


class ProfileOut(Schema):
    """A profile as the caller may see it: hidden sections are null."""

    handle: str
    url: str
    display_name: str
    headline: str
    initials: str = Field(description="What to show in place of a photo when photo_url is null.")
    photo_url: str | None = Field(
        description="Absolute URL of the member's photo (a 512×512 JPEG), or null."
    )
    about: str | None
    about_html: str | None
    location: LocationOut | None
    work: WorkOut | None
    experience: list[ExperienceOut] | None
    education: list[EducationOut] | None
    skills: list[str] | None
    interests: list[str] | None
    languages: list[str] | None
    open_to: list[str] | None
    links: list[LinkSchema] | None


class MyProfileOut(ProfileOut):
    listed: bool
    visibility: dict[str, str]


def _text(model: type[models.Model], name: str, default: Any = None, **kwargs: Any) -> Any:
    """A schema field as long as the model's field allows (so the limit is documented)."""
    max_length = model._meta.get_field(name).max_length
    return Field(default, max_length=max_length, **kwargs)


def _year(default: Any = None, **kwargs: Any) -> Any:
    return Field(default, ge=YEAR_MIN, le=YEAR_MAX, **kwargs)


class ProfilePatch(Payload):
    """Any subset of the profile. Lists replace the whole list; null or "" clears."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = _text(Profile, "display_name", pattern=NOT_BLANK)
    headline: str | None = _text(Profile, "headline")
    about: str | None = _text(Profile, "about")
    city: str | None = _text(Profile, "city")
    country: str | None = _text(Profile, "country")
    company: str | None = _text(Profile, "company")
    position: str | None = _text(Profile, "position")
    skills: list[str] | None = None
    interests: list[str] | None = None
    languages: list[str] | None = None
    links: list[LinkSchema] | None = None
    open_to: list[str] | None = None
    listed: bool | None = None
    visibility: dict[str, str] | None = None


class ExperienceIn(Payload):
    model_config = ConfigDict(extra="forbid")

    company: str = _text(Experience, "company", ..., pattern=NOT_BLANK)
    title: str = _text(Experience, "title", ..., pattern=NOT_BLANK)
    location: str = _text(Experience, "location", "")
    start_year: int = _year(...)
    end_year: int | None = _year(description="Not before start_year.")
    description: str = _text(Experience, "description", "")


class ExperiencePatch(Payload):
    model_config = ConfigDict(extra="forbid")

    company: str | None = _text(Experience, "company", pattern=NOT_BLANK)
    title: str | None = _text(Experience, "title", pattern=NOT_BLANK)
    location: str | None = _text(Experience, "location")
    start_year: int | None = _year()
    end_year: int | None = _year(description="Not before start_year; null clears it.")
    description: str | None = _text(Experience, "description")


class EducationIn(Payload):
    model_config = ConfigDict(extra="forbid")

    school: str = _text(Education, "school", ..., pattern=NOT_BLANK)
    degree: str = _text(Education, "degree", "")
    field: str = _text(Education, "field", "")
    start_year: int | None = _year()
    end_year: int | None = _year(description="Not before start_year.")


class EducationPatch(Payload):
    model_config = ConfigDict(extra="forbid")

    school: str | None = _text(Education, "school", pattern=NOT_BLANK)
    degree: str | None = _text(Education, "degree")
    field: str | None = _text(Education, "field")
    start_year: int | None = _year()
    end_year: int | None = _year()


# --- Helpers ---------------------------------------------------------------------------


def _viewer(request: HttpRequest) -> User | None:
    return request.auth if isinstance(request.auth, User) else None


def _profile_out(request: HttpRequest, view: ProfileView) -> dict[str, Any]:
    out: dict[str, Any] = {
        "handle": view.handle,
        "url": request.build_absolute_uri(reverse("profile", kwargs={"handle": view.handle})),
        "display_name": view.display_name,
        "headline": view.headline,
        "initials": view.initials,
        "photo_url": absolute_url(request, view.photo_url),
        "about": view.about,
        "about_html": view.about_html,
        "location": view.location if view.location is not None else None,
        "work": view.work if view.work is not None else None,
        "experience": view.experience,
        "education": view.education,
        "skills": view.skills,
        "interests": view.interests,
        "languages": view.languages,
        "open_to": [item.slug for item in view.open_to] if view.open_to is not None else None,
        "links": view.links,
    }
    if view.is_owner:
        out["listed"] = bool(view.listed)
        out["visibility"] = {
            key: Visibility(view.audiences[key].level).name.lower() for key in SECTION_KEYS
        }
    return out


def _own_view(request: HttpRequest) -> dict[str, Any]:
    user = request.auth
    selectors.profile_for_owner(user=user)
    return _profile_out(request, selectors.profile_view(viewer=user, handle=user.username))


_TEXT_FIELDS = ("display_name", "headline", "about", "city", "country", "company", "position")
_LIST_FIELDS = ("skills", "interests", "languages", "links", "open_to")


# --- Endpoints -------------------------------------------------------------------------


@router.get(
    "/profiles/{handle}",
    response=ProfileOut,
    auth=public_auth,
    summary="A member's profile, as you may see it",
    description="Sections you may not see are null. Anonymous callers see public sections.",
)
def profile_get(request: HttpRequest, handle: str):
    return _profile_out(request, selectors.profile_view(viewer=_viewer(request), handle=handle))


@router.get("/me/profile", response=MyProfileOut, auth=member_auth, summary="Your profile")
def my_profile_get(request: HttpRequest):
    return _own_view(request)


@router.patch(
    "/me/profile",
    response=MyProfileOut,
    auth=member_auth,
    summary="Change your profile",
    description=(
        "Send only what changes. `open_to` takes names (new_job, hiring, mentoring, "
        "being_mentored, collaborations, speaking, business_leads, partnerships); "
        "`visibility` maps sections (about, location, work, experience, education, skills, "
        "interests, languages, open_to, links) to public, members, connections or only_me."
    ),
)
def my_profile_patch(request: HttpRequest, payload: ProfilePatch):
    data = payload.model_dump(exclude_unset=True)
    kwargs: dict[str, Any] = {}
    for field, value in data.items():
        if field in _TEXT_FIELDS:
            kwargs[field] = value if value is not None else ""
        elif field in _LIST_FIELDS:
            kwargs[field] = value if value is not None else []
        elif value is not None:
            kwargs[field] = value
    profile = selectors.profile_for_owner(user=request.auth)
    services.profile_update(profile=profile, **kwargs)
    return _own_view(request)


@router.post(
    "/me/profile/photo",
    response=MyProfileOut,
    auth=member_auth,
    summary="Upload your photo",
    description="Multipart field `photo`: JPEG, PNG, GIF or WebP. Cropped to 512×512. "
    "413 when the file is too large, 422 when it is not an image.",
)
def my_photo_upload(request: HttpRequest, photo: File[UploadedFile]):
    services.profile_photo_set(profile=selectors.profile_for_owner(user=request.auth), upload=photo)
    return _own_view(request)


@router.delete(
    "/me/profile/photo", response={204: None}, auth=member_auth, summary="Remove your photo"
)
def my_photo_remove(request: HttpRequest):
    services.profile_photo_remove(profile=selectors.profile_for_owner(user=request.auth))
    return Status(204, None)


@router.get(
    "/me/profile/experience",
    response=ExperiencePage,
    auth=member_auth,
    summary="Your experience entries, in the profile's order",
)
def my_experience_list(request: HttpRequest, query: Query[PageQuery]):
    entries = selectors.experiences_of(profile=selectors.profile_for_owner(user=request.auth))
    return _entry_page(entries, query)


@router.post(
    "/me/profile/experience",
    response={201: ExperienceOut},
    auth=member_auth,
    summary="Add an experience entry",
)
def my_experience_create(request: HttpRequest, payload: ExperienceIn):
    profile = selectors.profile_for_owner(user=request.auth)
    return Status(201, services.experience_create(profile=profile, data=payload.model_dump()))


@router.patch(
    "/me/profile/experience/{entry_id}",
    response=ExperienceOut,
    auth=member_auth,
    summary="Change an experience entry",
)
def my_experience_patch(request: HttpRequest, entry_id: int, payload: ExperiencePatch):
    entry = selectors.experience_for_owner(user=request.auth, entry_id=entry_id)
    data = _entry_changes(payload, nullable=("end_year",))
    return services.experience_update(experience=entry, data=data)


@router.delete(
    "/me/profile/experience/{entry_id}",
    response={204: None},
    auth=member_auth,
    summary="Delete an experience entry",
)
def my_experience_delete(request: HttpRequest, entry_id: int):
    entry = selectors.experience_for_owner(user=request.auth, entry_id=entry_id)
    services.experience_delete(experience=entry)
    return Status(204, None)


@router.get(
    "/me/profile/education",
    response=EducationPage,
    auth=member_auth,
    summary="Your education entries, in the profile's order",
)
def my_education_list(request: HttpRequest, query: Query[PageQuery]):
    entries = selectors.educations_of(profile=selectors.profile_for_owner(user=request.auth))
    return _entry_page(entries, query)


@router.post(
    "/me/profile/education",
    response={201: EducationOut},
    auth=member_auth,
    summary="Add an education entry",
)
def my_education_create(request: HttpRequest, payload: EducationIn):
    profile = selectors.profile_for_owner(user=request.auth)
    return Status(201, services.education_create(profile=profile, data=payload.model_dump()))


@router.patch(
    "/me/profile/education/{entry_id}",
    response=EducationOut,
    auth=member_auth,
    summary="Change an education entry",
)
def my_education_patch(request: HttpRequest, entry_id: int, payload: EducationPatch):
    entry = selectors.education_for_owner(user=request.auth, entry_id=entry_id)
    data = _entry_changes(payload, nullable=("start_year", "end_year"))
    return services.education_update(education=entry, data=data)


@router.delete(
    "/me/profile/education/{entry_id}",
    response={204: None},
    auth=member_auth,
    summary="Delete an education entry",
)
def my_education_delete(request: HttpRequest, entry_id: int):
    entry = selectors.education_for_owner(user=request.auth, entry_id=entry_id)
    services.education_delete(education=entry)
    return Status(204, None)


def _entry_changes(payload: Schema, *, nullable: tuple[str, ...]) -> dict[str, Any]:
    """The fields a PATCH sent. null clears a nullable field; for others it is an error."""
    data = payload.model_dump(exclude_unset=True)
    for field, value in data.items():
        if value is None and field not in nullable:
            raise Invalid(fields={field: [_("This field cannot be empty.")]})
    return data


# The app's one router, mounted by guanxi.api at "/": the account settings' endpoints
# (/me, tokens), then the profile endpoints above.
app_router = Router()
app_router.add_router("/", settings_router)
app_router.add_router("/", router)
