"""The password-change form allauth uses (ACCOUNT_FORMS["change_password"]).

API tokens are separate keys and survive a password change unless revoked: a script
should not break because its owner rotated a password, but a member who fears the old
password leaked can end every token in the same step.
"""

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.selectors import tokens_for_user
from guanxi.accounts.services import access_tokens_revoke_all


class ChangePasswordForm(AllauthChangePasswordForm):
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
