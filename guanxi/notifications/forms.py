from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.notifications import registry
from guanxi.notifications.registry import Delivery

DELIVERY_CHOICES = [
    (Delivery.NOW.value, _("At once")),
    (Delivery.DIGEST.value, _("Daily digest")),
    # "Never" alone is the tokens table's "never used"; here it means "never email".
    (Delivery.NEVER.value, pgettext_lazy("email delivery", "Never")),
]


class EmailPreferencesForm(forms.Form):
    """A delivery choice per registered kind, the pause, and the email language."""

    paused = forms.BooleanField(
        label=_("Pause all email"),
        required=False,
        help_text=_("Nothing is emailed while paused; notifications still appear on the site."),
    )
    language = forms.ChoiceField(label=_("Email language"), required=False)

    def __init__(self, *args, site_language_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        same = _("The language I use the site in")
        if site_language_name:
            same = _("The language I use the site in (now %(name)s)") % {"name": site_language_name}
        self.fields["language"].choices = [("", same), *settings.LANGUAGES]
        self.kinds = registry.all_kinds()
        for kind in self.kinds:
            self.fields[self.field_name(kind.key)] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.description,
                choices=DELIVERY_CHOICES,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(key: str) -> str:
        return f"kind_{key}"

    def kind_fields(self):
        return [self[self.field_name(kind.key)] for kind in self.kinds]

    def deliveries(self) -> dict[str, str]:
        return {kind.key: self.cleaned_data[self.field_name(kind.key)] for kind in self.kinds}
