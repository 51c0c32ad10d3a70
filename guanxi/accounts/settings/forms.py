"""Forms of the settings pages: creating an API token, deleting the account."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.handles import normalize_handle
from guanxi.accounts.models import User
from guanxi.accounts.tokens import TOKEN_NAME_MAX, clean_token_name


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=TOKEN_NAME_MAX,
        help_text=_("What will use it, e.g. “reporting script” or “my laptop”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_name(self) -> str:
        try:
            return clean_token_name(self.cleaned_data["name"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["name"]) from None


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    handle = forms.CharField(
        label=_("Type your handle to confirm"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["handle"].help_text = _("Type “%(handle)s”.") % {"handle": user.username}

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."), code="wrong_password")
        return password

    def clean_handle(self) -> str:
        handle = normalize_handle(self.cleaned_data["handle"])
        if handle != self.user.username:
            raise ValidationError(
                _("This is not your handle. Type “%(handle)s”.") % {"handle": self.user.username},
                code="wrong_handle",
            )
        return handle
