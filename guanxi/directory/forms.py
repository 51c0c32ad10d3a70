"""The directory's filters: one form validates them for the page and for the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import OpenTo, normalize_text
from guanxi.directory.filters import SORT_NAME, SORT_NEWEST, DirectoryFilters

MAX_FILTER_LENGTH = 100
TEXT_FILTERS = ("q", "skill", "interest", "city", "company", "school")


def open_to_choices() -> list[tuple[str, str]]:
    return [(item.slug, item.label) for item in OpenTo]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or handle"),
        required=False,
        max_length=MAX_FILTER_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. Li Wei")}),
    )
    skill = forms.CharField(
        label=_("Skill"),
        required=False,
        max_length=MAX_FILTER_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Python, 数据分析")}),
    )
    interest = forms.CharField(
        label=_("Interest"),
        required=False,
        max_length=MAX_FILTER_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Hiking")}),
    )
    city = forms.CharField(
        label=_("City"),
        required=False,
        max_length=MAX_FILTER_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Shanghai")}),
    )
    company = forms.CharField(
        label=_("Company"),
        required=False,
        max_length=MAX_FILTER_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Straits Bank")}),
    )
    school = forms.CharField(
        label=_("School"),
        required=False,
        max_length=MAX_FILTER_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Fudan")}),
    )
    open_to = forms.ChoiceField(
        label=_("Open to"),
        required=False,
        choices=[("", _("Anything"))],
        error_messages={"invalid_choice": _("“%(value)s” is not one of the listed options.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(SORT_NAME, _("Name")), (SORT_NEWEST, _("Newest members"))],
        error_messages={"invalid_choice": _("Sort by “name” or “newest”.")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("The page must be a whole number.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Built per form so the labels follow the request's language.
        self.fields["open_to"].choices = [("", _("Anything")), *open_to_choices()]

    def filters(self) -> DirectoryFilters:
        """The normalised filters; call after is_valid(). Invalid fields count as empty."""
        data = getattr(self, "cleaned_data", {})
        text = {name: normalize_text(data.get(name) or "") for name in TEXT_FILTERS}
        return DirectoryFilters(
            **text,
            open_to=OpenTo.from_slug(data.get("open_to") or ""),
            sort=data.get("sort") or SORT_NAME,
        )

    def requested_page(self) -> int:
        return (getattr(self, "cleaned_data", {}).get("page")) or 1

    @property
    def filter_errors(self) -> bool:
        """Errors on anything but the page number (those block the search)."""
        return any(name != "page" for name in self.errors)
