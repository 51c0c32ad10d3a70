"""allauth's forms as Guanxi uses them (ACCOUNT_FORMS): sign-up asks for the member's
name; a password change can revoke the API tokens too."""

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.handles import HANDLE_MAX, HANDLE_MIN
from guanxi.accounts.tokens import access_tokens_revoke_all, tokens_for_user


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


class ChangePasswordForm(AllauthChangePasswordForm):
    """API tokens are separate keys and survive a password change unless revoked here:
    a script should not break because its owner rotated a password, but a member who
    fears the old password leaked can end every token in the same step."""

    revoke_tokens = forms.BooleanField(
        label=_("Also revoke all my API tokens"),
        required=False,
        help_text=_("Scripts and apps using them stop working until you create new ones."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.token_count = tokens_for_user(user=self.user).count() if self.user else 0
        if not self.token_count:
            del self.fields["revoke_tokens"]

    def save(self) -> None:
        super().save()
        if self.cleaned_data.get("revoke_tokens"):
            access_tokens_revoke_all(user=self.user)
