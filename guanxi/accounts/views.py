"""Profile pages: the public profile and the member's own edit pages.

The edit page has one form per section. Each posts to /profile/edit/<section>/ and
works without JavaScript (redirect back on success, the section's own page with its
errors otherwise); with htmx the section is saved in place and swapped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.accounts import selectors, services
from guanxi.accounts.forms import profile as profile_forms
from guanxi.accounts.forms.profile import EDIT_SECTIONS, SECTIONS_BY_SLUG, SectionSpec
from guanxi.accounts.models import Profile
from guanxi.accounts.visibility import Visibility
from guanxi.core.errors import DomainError, Invalid, NotFound
from guanxi.core.outcomes import form_status


def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    view = selectors.profile_view(viewer=request.user, handle=handle)
    if handle != view.handle:
        return redirect("profile", handle=view.handle)
    return render(request, "accounts/profile_detail.html", {"view": view})


# --- Edit page ------------------------------------------------------------------------


@dataclass
class EditSection:
    spec: SectionSpec
    form: forms.Form
    saved: bool = False
    entries: list | None = None
    audience_label: str = ""


def _section(
    profile: Profile,
    spec: SectionSpec,
    tag_names: dict[str, list[str]] | None,
    form: forms.Form | None = None,
    saved: bool = False,
) -> EditSection:
    if form is None:
        if issubclass(spec.form_class, profile_forms.SectionForm):
            initial = spec.form_class.initial_for(profile, tag_names or {})
            form = spec.form_class(initial=initial, auto_id=_auto_id(spec))
        else:
            form = spec.form_class(auto_id=_auto_id(spec))
    entries = None
    if spec.slug == "experience":
        entries = list(selectors.experiences_of(profile=profile))
    elif spec.slug == "education":
        entries = list(selectors.educations_of(profile=profile))
    audience = getattr(spec.form_class, "audience", None)
    label = str(Visibility(profile.visibility_of(audience)).label) if audience else ""
    return EditSection(spec=spec, form=form, saved=saved, entries=entries, audience_label=label)


def _auto_id(spec: SectionSpec) -> str:
    # Many section forms share a page (and a "visibility" field): keep their ids apart.
    return f"id_{spec.slug}_%s"


def _needs_tags(spec: SectionSpec) -> bool:
    return spec.slug in ("skills", "interests")


def _saved_redirect(slug: str) -> HttpResponse:
    """Back to the editor at the saved section, which then says "saved" right there
    (a message at the top of a long page would go unseen)."""
    return redirect(reverse("profile_edit") + f"?saved={slug}#{slug}")


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_for_owner(user=request.user)
    tag_names = selectors.profile_tag_names(profile=profile)
    saved = request.GET.get("saved")
    sections = [
        _section(profile, spec, tag_names, saved=spec.slug == saved) for spec in EDIT_SECTIONS
    ]
    return render(request, "accounts/profile_edit.html", {"profile": profile, "sections": sections})


def _render_section(
    request: HttpRequest, profile: Profile, section: EditSection, *, status: int = 200
) -> HttpResponse:
    template = (
        "accounts/_edit_section.html" if request.htmx else "accounts/profile_edit_section.html"
    )
    return render(request, template, {"profile": profile, "s": section}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_section(request: HttpRequest, section: str) -> HttpResponse:
    spec = SECTIONS_BY_SLUG.get(section)
    if spec is None:
        raise NotFound
    profile = selectors.profile_for_owner(user=request.user)
    if request.method == "GET":
        tag_names = selectors.profile_tag_names(profile=profile) if _needs_tags(spec) else None
        return _render_section(request, profile, _section(profile, spec, tag_names))
    if spec.slug == "photo":
        return _photo_upload(request, profile, spec)

    form = spec.form_class(request.POST, auto_id=_auto_id(spec))
    if form.is_valid():
        try:
            services.profile_update(profile=profile, **form.service_kwargs())
        except DomainError as exc:
            form.add_service_errors(exc)
    if form.errors:
        profile.refresh_from_db()
        return _render_section(request, profile, _section(profile, spec, None, form=form))
    if request.htmx:
        tag_names = selectors.profile_tag_names(profile=profile) if _needs_tags(spec) else None
        return _render_section(request, profile, _section(profile, spec, tag_names, saved=True))
    return _saved_redirect(spec.slug)


def _photo_upload(request: HttpRequest, profile: Profile, spec: SectionSpec) -> HttpResponse:
    form = profile_forms.PhotoForm(request.POST, request.FILES, auto_id=_auto_id(spec))
    error: DomainError | None = None
    if form.is_valid():
        try:
            services.profile_photo_set(profile=profile, upload=form.cleaned_data["photo"])
        except DomainError as exc:
            error = exc
            form.add_service_errors(exc)
    if form.errors:
        profile.refresh_from_db()
        section = _section(profile, spec, None, form=form)
        # A plain post says why in its status too, as the API does (413 PhotoTooLarge,
        # 422 anything else); htmx swaps only a 2xx.
        status = form_status(request, error or Invalid())
        return _render_section(request, profile, section, status=status)
    return _photo_saved(request, profile, spec)


def _photo_saved(request: HttpRequest, profile: Profile, spec: SectionSpec) -> HttpResponse:
    if request.htmx:
        return _render_section(request, profile, _section(profile, spec, None, saved=True))
    return _saved_redirect(spec.slug)


@login_required
@require_POST
def profile_photo_remove(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_for_owner(user=request.user)
    services.profile_photo_remove(profile=profile)
    return _photo_saved(request, profile, SECTIONS_BY_SLUG["photo"])


# --- Experience and education entries ----------------------------------------------------


@dataclass(frozen=True)
class EntryKind:
    slug: str
    form_class: type[forms.ModelForm]
    get_own: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    add_title: Promise
    edit_title: Promise


ENTRY_KINDS = {
    "experience": EntryKind(
        slug="experience",
        form_class=profile_forms.ExperienceForm,
        get_own=selectors.experience_for_owner,
        create=lambda *, profile, data: services.experience_create(profile=profile, data=data),
        update=lambda *, entry, data: services.experience_update(experience=entry, data=data),
        delete=lambda *, entry: services.experience_delete(experience=entry),
        add_title=gettext_lazy("Add a position"),
        edit_title=gettext_lazy("Edit a position"),
    ),
    "education": EntryKind(
        slug="education",
        form_class=profile_forms.EducationForm,
        get_own=selectors.education_for_owner,
        create=lambda *, profile, data: services.education_create(profile=profile, data=data),
        update=lambda *, entry, data: services.education_update(education=entry, data=data),
        delete=lambda *, entry: services.education_delete(education=entry),
        add_title=gettext_lazy("Add a school"),
        edit_title=gettext_lazy("Edit a school"),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, kind: str) -> HttpResponse:
    spec = ENTRY_KINDS[kind]
    profile = selectors.profile_for_owner(user=request.user)
    form = spec.form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spec.create(profile=profile, data=form.cleaned_data)
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            return _saved_redirect(spec.slug)
    return render(
        request,
        "accounts/profile_entry_form.html",
        {"form": form, "kind": spec, "title": spec.add_title, "entry": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, kind: str, entry_id: int) -> HttpResponse:
    spec = ENTRY_KINDS[kind]
    entry = spec.get_own(user=request.user, entry_id=entry_id)
    form = spec.form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            spec.update(entry=entry, data=form.cleaned_data)
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            return _saved_redirect(spec.slug)
    return render(
        request,
        "accounts/profile_entry_form.html",
        {"form": form, "kind": spec, "title": spec.edit_title, "entry": entry},
    )


@login_required
@require_POST
def entry_delete(request: HttpRequest, kind: str, entry_id: int) -> HttpResponse:
    spec = ENTRY_KINDS[kind]
    entry = spec.get_own(user=request.user, entry_id=entry_id)
    spec.delete(entry=entry)
    return _saved_redirect(spec.slug)
