from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Hooks allauth's sign-up into our services: every account gets a profile."""

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        from guanxi.accounts.services import profile_ensure

        user = super().save_user(request, user, form, commit=commit)
        if commit:
            display_name = form.cleaned_data.get("display_name") or user.username
            profile_ensure(user=user, display_name=display_name)
        return user
