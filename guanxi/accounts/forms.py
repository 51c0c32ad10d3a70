from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("As members will see it, e.g. “Li Wei” or “李伟”."),
    )
    field_order = ["display_name", "email", "username", "password1", "password2"]
