"""The sign-up form allauth uses (ACCOUNT_FORMS["signup"]): adds the member's name."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.handles import HANDLE_MAX, HANDLE_MIN


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("As members will see it, e.g. “Li Wei” or “李伟”."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["display_name", "email", "username", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("Email")
        email.help_text = _("We send a confirmation link here. It is never shown to members.")
        email.widget.attrs["placeholder"] = _("you@example.com")
        handle = self.fields["username"]
        handle.label = _("Handle")
        handle.help_text = _(
            "Your address on the site, /@handle: %(min)d–%(max)d lowercase letters, "
            "digits or underscores, starting with a letter."
        ) % {"min": HANDLE_MIN, "max": HANDLE_MAX}
        handle.widget.attrs.update(
            {"placeholder": _("e.g. liwei"), "autocapitalize": "none", "spellcheck": "false"}
        )
        if "password1" in self.fields:
            self.fields["password1"].help_text = _(
                "At least %(min)d characters; not a common password, not only digits."
            ) % {"min": _min_password_length()}


def _min_password_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 8
