from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.network.models import PrivacySettings
from guanxi.network.services import REQUEST_NOTE_MAX


class ConnectForm(forms.Form):
    note = forms.CharField(
        label=_("Add a note (optional)"),
        max_length=REQUEST_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say where you met or why you'd like to connect."),
    )


class ConnectionSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("name", _("Name")), ("recent", _("Recently added"))],
    )


class PrivacyForm(forms.Form):
    requests_from = forms.ChoiceField(
        label=_("Who may send you connection requests"),
        choices=PrivacySettings.RequestsFrom.choices,
        widget=forms.RadioSelect,
    )
    connections_visible_to = forms.ChoiceField(
        label=_("Who may see your connections"),
        choices=PrivacySettings.ListAudience.choices,
        widget=forms.RadioSelect,
    )
