"""The login form allauth uses (ACCOUNT_FORMS["login"]), in the site's words."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:  # shown while ACCOUNT_SESSION_REMEMBER is None
            self.fields["remember"].label = _("Keep me logged in")
