"""Forms for the profile edit page: one small form per section.

Forms check what they can show next to a field (lengths, formats); the services stay
the gatekeepers and their errors (Invalid, TooManyEntries) are shown on the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guanxi.accounts import services, tags
from guanxi.accounts.models import YEAR_MAX, YEAR_MIN, Education, Experience, OpenTo, Profile
from guanxi.accounts.visibility import Visibility
from guanxi.core.errors import DomainError
from guanxi.core.outcomes import add_to_form
from guanxi.places.widgets import PlaceInput


def _text(field_name: str, *, widget: forms.Widget | None = None, **kwargs) -> forms.CharField:
    """A form field mirroring the model field's label and max length."""
    model_field = Profile._meta.get_field(field_name)
    kwargs.setdefault("required", False)
    return forms.CharField(
        label=capfirst(model_field.verbose_name),  # stays lazy: translated per request
        max_length=model_field.max_length,
        widget=widget,
        **kwargs,
    )


def _visibility_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Who can see this"),
        choices=Visibility.choices,
        coerce=int,
        help_text=_("“Connections” are members you are connected with."),
    )


class SectionForm(forms.Form):
    """Base for section forms: knows how to fill itself from a profile and how to turn
    its cleaned data into profile_update() arguments."""

    # The profile section whose audience this form sets (None: always visible).
    audience: str | None = None

    @classmethod
    def initial_for(cls, profile: Profile, tag_names: dict[str, list[str]]) -> dict[str, Any]:
        initial = cls._initial(profile, tag_names)
        if cls.audience:
            initial["visibility"] = profile.visibility_of(cls.audience)
        return initial

    @classmethod
    def _initial(cls, profile: Profile, tag_names: dict[str, list[str]]) -> dict[str, Any]:
        return {}

    def service_kwargs(self) -> dict[str, Any]:
        kwargs = self._service_kwargs()
        if self.audience:
            kwargs["visibility"] = {self.audience: self.cleaned_data["visibility"]}
        return kwargs

    def _service_kwargs(self) -> dict[str, Any]:
        return {}

    # Service field name -> this form's field name, where they differ.
    service_field_names: dict[str, str] = {}

    def add_service_errors(self, exc: DomainError) -> None:
        add_to_form(self, exc, rename=self.service_field_names)


class BasicsForm(SectionForm):
    display_name = _text(
        "display_name",
        required=True,
        help_text=_("As members will see it, e.g. “Li Wei” or “李伟”."),
    )
    headline = _text(
        "headline", help_text=_("One line about what you do, e.g. “Data engineer at Acme”.")
    )

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"display_name": profile.display_name, "headline": profile.headline}

    def _service_kwargs(self):
        return {
            "display_name": self.cleaned_data["display_name"],
            "headline": self.cleaned_data["headline"],
        }


class AboutForm(SectionForm):
    audience = "about"
    about = _text(
        "about",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Markdown works: **bold**, *italic*, [a link](https://example.com), lists. "
            "HTML is shown as text."
        ),
    )
    visibility = _visibility_field()

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"about": profile.about}

    def _service_kwargs(self):
        return {"about": self.cleaned_data["about"]}


class LocationForm(SectionForm):
    audience = "location"
    city = _text(
        "city",
        widget=PlaceInput,
        help_text=_(
            "In English or Chinese: a city we know is shown to each member in their language."
        ),
    )
    country = _text("country")
    visibility = _visibility_field()

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"city": profile.city, "country": profile.country}

    def _service_kwargs(self):
        return {"city": self.cleaned_data["city"], "country": self.cleaned_data["country"]}


class WorkForm(SectionForm):
    audience = "work"
    company = _text("company")
    position = _text("position")
    visibility = _visibility_field()

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"company": profile.company, "position": profile.position}

    def _service_kwargs(self):
        return {
            "company": self.cleaned_data["company"],
            "position": self.cleaned_data["position"],
        }


class ExperienceAudienceForm(SectionForm):
    audience = "experience"
    visibility = _visibility_field()


class EducationAudienceForm(SectionForm):
    audience = "education"
    visibility = _visibility_field()


class _TagsForm(SectionForm):
    kind = ""

    def clean_tags(self) -> list[str]:
        return tags.clean_tag_names(tags.split_tags(self.cleaned_data["tags"]))

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"tags": ", ".join(tag_names.get(cls.kind, []))}


class SkillsForm(_TagsForm):
    audience = "skills"
    kind = "skill"
    tags = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Separate with commas or new lines, e.g. “Python, 数据分析, Public speaking”. "
            "Up to 30, each up to 50 characters."
        ),
    )
    visibility = _visibility_field()

    service_field_names = {"skills": "tags"}

    def _service_kwargs(self):
        return {"skills": self.cleaned_data["tags"]}


class InterestsForm(_TagsForm):
    audience = "interests"
    kind = "interest"
    tags = forms.CharField(
        label=_("Interests"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Separate with commas or new lines, e.g. “Hiking, 人工智能, Jazz”. "
            "Up to 30, each up to 50 characters."
        ),
    )
    visibility = _visibility_field()

    service_field_names = {"interests": "tags"}

    def _service_kwargs(self):
        return {"interests": self.cleaned_data["tags"]}


class LanguagesForm(SectionForm):
    audience = "languages"
    languages = forms.CharField(
        label=_("Languages you speak"),
        required=False,
        max_length=1000,
        help_text=_("Separate with commas, e.g. “English, 普通话, Cantonese”. Up to 10."),
    )
    visibility = _visibility_field()

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"languages": ", ".join(profile.languages or [])}

    def clean_languages(self) -> list[str]:
        return tags.clean_languages(tags.split_tags(self.cleaned_data["languages"]))

    def _service_kwargs(self):
        return {"languages": self.cleaned_data["languages"]}


class OpenToForm(SectionForm):
    audience = "open_to"
    open_to = forms.TypedMultipleChoiceField(
        label=_("I am open to"),
        choices=OpenTo.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    visibility = _visibility_field()

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"open_to": [item.value for item in profile.open_to_list]}

    def _service_kwargs(self):
        return {"open_to": self.cleaned_data["open_to"]}


LINK_ROWS = services.MAX_LINKS


class LinksForm(SectionForm):
    """Up to ten label + URL rows; the page shows the filled ones plus two empty."""

    audience = "links"
    visibility = _visibility_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(LINK_ROWS):
            self.fields[f"label_{i}"] = forms.CharField(
                label=_("Label"), required=False, max_length=services.LINK_LABEL_MAX
            )
            self.fields[f"url_{i}"] = forms.CharField(
                label=_("Web address"),
                required=False,
                max_length=services.LINK_URL_MAX,
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
            )

    @classmethod
    def _initial(cls, profile, tag_names):
        initial: dict[str, Any] = {}
        for i, link in enumerate((profile.links or [])[:LINK_ROWS]):
            initial[f"label_{i}"] = link.get("label", "")
            initial[f"url_{i}"] = link.get("url", "")
        return initial

    def _row_filled(self, i: int) -> bool:
        source = self.data if self.is_bound else self.initial
        return bool(source.get(f"label_{i}") or source.get(f"url_{i}"))

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        filled = [i for i in range(LINK_ROWS) if self._row_filled(i)]
        count = min(LINK_ROWS, (max(filled) + 1 if filled else 0) + 2)
        return [(self[f"label_{i}"], self[f"url_{i}"]) for i in range(count)]

    def _service_kwargs(self):
        return {
            "links": [
                {"label": self.cleaned_data[f"label_{i}"], "url": self.cleaned_data[f"url_{i}"]}
                for i in range(LINK_ROWS)
            ]
        }


class DirectoryForm(SectionForm):
    listed = forms.BooleanField(
        label=_("Show me in the member directory"),
        required=False,
        help_text=_(
            "When off, members can still open your profile by its address, but it is "
            "not listed or found by the directory's filters."
        ),
    )

    @classmethod
    def _initial(cls, profile, tag_names):
        return {"listed": profile.listed}

    def _service_kwargs(self):
        return {"listed": self.cleaned_data["listed"]}


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Upload a photo"),
        help_text=_("JPEG, PNG, GIF or WebP. We crop it to a square."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    def add_service_errors(self, exc: DomainError) -> None:
        add_to_form(self, exc)


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    title: Promise
    intro: Promise
    form_class: type[forms.Form]


EDIT_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "basics",
        _("Name and headline"),
        _("Always visible, so people know who you are."),
        BasicsForm,
    ),
    SectionSpec(
        "photo", _("Photo"), _("Always visible. A clear photo of your face works best."), PhotoForm
    ),
    SectionSpec("about", _("About"), _("A few paragraphs about you and your work."), AboutForm),
    SectionSpec("location", _("Location"), _("Where you are based."), LocationForm),
    SectionSpec("work", _("Current work"), _("Your company and position today."), WorkForm),
    SectionSpec(
        "experience",
        _("Experience"),
        _("Past and present positions."),
        ExperienceAudienceForm,
    ),
    SectionSpec(
        "education",
        _("Education"),
        _("Schools and universities."),
        EducationAudienceForm,
    ),
    SectionSpec("skills", _("Skills"), _("What you are good at."), SkillsForm),
    SectionSpec("interests", _("Interests"), _("What you like to talk about."), InterestsForm),
    SectionSpec("languages", _("Languages"), _("Languages you speak."), LanguagesForm),
    SectionSpec(
        "open_to",
        _("Open to"),
        _("Let members know what you would welcome."),
        OpenToForm,
    ),
    SectionSpec(
        "links", _("Links"), _("Your website, blog, portfolio or social profiles."), LinksForm
    ),
    SectionSpec(
        "directory",
        _("Member directory"),
        _("Whether other people can find you in the member directory."),
        DirectoryForm,
    ),
)
SECTIONS_BY_SLUG = {spec.slug: spec for spec in EDIT_SECTIONS}


# --- Experience and education entries -----------------------------------------------


def _year_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX, "inputmode": "numeric"})


class _EntryForm(forms.ModelForm):
    """Shared by experience and education: the year order is reported on the end year."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The end year cannot be before the start year."))
        return cleaned

    def add_service_errors(self, exc: DomainError) -> None:
        add_to_form(self, exc)


class ExperienceForm(_EntryForm):
    class Meta:
        model = Experience
        fields = services.EXPERIENCE_FIELDS
        widgets = {
            "start_year": _year_widget(),
            "end_year": _year_widget(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "location": PlaceInput,
        }


class EducationForm(_EntryForm):
    class Meta:
        model = Education
        fields = services.EDUCATION_FIELDS
        widgets = {"start_year": _year_widget(), "end_year": _year_widget()}
