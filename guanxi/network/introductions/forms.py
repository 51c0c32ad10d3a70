"""Forms of the introduction pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX


class PickerSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a connection by name"), max_length=100, required=False)


class IntroduceForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Introduce"), coerce=int, empty_value=None)
    b = forms.TypedChoiceField(label=_("to"), coerce=int, empty_value=None)
    note = forms.CharField(
        label=_("Why should they meet?"),
        max_length=INTRODUCTION_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Both will read this note. They are connected only if both say yes."),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose one of your connections"))] + [
            (person.pk, f"{person.profile.display_name} (@{person.username})") for person in people
        ]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
        self.fields["a"].error_messages["invalid_choice"] = _("Choose one of your connections.")
        self.fields["b"].error_messages["invalid_choice"] = _("Choose one of your connections.")

    def clean(self):
        data = super().clean()
        a, b = data.get("a"), data.get("b")
        if a is not None and a == b:
            self.add_error("b", _("Choose two different people."))
        return data


MAX_ID = 2**63 - 1  # the largest id a database column holds


def id_from(value) -> int | None:
    """A positive member id from a query or form value, None for anything else."""
    try:
        number = int(str(value or "").strip())
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


class IntroductionAskForm(forms.Form):
    via = forms.IntegerField(label=_("Who should introduce you"), min_value=1)
    note = forms.CharField(
        label=_("A note for them (optional)"),
        max_length=INTRODUCTION_NOTE_MAX,
        required=False,
        help_text=_("Why you would like to meet: they will see it when they introduce you."),
    )
