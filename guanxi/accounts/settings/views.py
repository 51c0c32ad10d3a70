"""Settings pages: the hub, personal access tokens and account deletion.

Email and password pages are allauth's (restyled under templates/account/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from guanxi.accounts import errors, selectors, services, tokens
from guanxi.accounts.selectors import account_summary
from guanxi.accounts.services import account_delete
from guanxi.accounts.settings.forms import AccountDeleteForm, TokenCreateForm
from guanxi.core.ratelimit import hit

# Wrong-password attempts on the deletion form: a borrowed session must not be a
# way to guess the password.
DELETE_ATTEMPTS_LIMIT = 5
DELETE_ATTEMPTS_PERIOD = 5 * 60


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/settings/index.html",
        {"account": account_summary(user=request.user), "token_count": _token_count(request)},
    )


def _token_count(request: HttpRequest) -> int:
    return selectors.tokens_for_user(user=request.user).count()


@login_required
def tokens_page(request: HttpRequest) -> HttpResponse:
    status = 200
    created = raw = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if not tokens.token_create_allowed(user=request.user):
            form.is_valid()
            form.add_error(None, _("You are creating tokens too fast. Try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                created, raw = services.access_token_create(
                    user=request.user, name=form.cleaned_data["name"]
                )
            except errors.TokenLimitReached:
                form.add_error(
                    None,
                    _("You already have %(max)d tokens. Revoke one you no longer use first.")
                    % {"max": tokens.MAX_TOKENS_PER_USER},
                )
            else:
                form = TokenCreateForm()
    else:
        form = TokenCreateForm()
    # The raw token is rendered in this answer only; it is never stored or redirected.
    response = render(
        request,
        "accounts/settings/tokens.html",
        {
            "form": form,
            "tokens": list(selectors.tokens_for_user(user=request.user)),
            "created": created,
            "raw_token": raw,
            "max_tokens": tokens.MAX_TOKENS_PER_USER,
        },
        status=status,
    )
    if raw:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.tokens_for_user(user=request.user).filter(pk=token_id).first()
    if token is None or not services.access_token_revoke(user=request.user, token_id=token_id):
        raise Http404
    messages.success(
        request, _("Token “%(name)s” revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("settings_tokens")


@login_required
@require_POST
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    count = services.access_tokens_revoke_all(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "Revoked your %(count)d API token. Scripts using it no longer work.",
                "Revoked all %(count)d of your API tokens. Scripts using them no longer work.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("You had no API tokens to revoke."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("settings_tokens")


@login_required
def account_delete_page(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = AccountDeleteForm(request.POST, user=request.user)
        if not hit(
            f"account-delete:{request.user.pk}",
            limit=DELETE_ATTEMPTS_LIMIT,
            period=DELETE_ATTEMPTS_PERIOD,
        ):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
            status = 429
        elif form.is_valid():
            account_delete(user=request.user)
            logout(request)
            messages.success(
                request,
                _("Your account and everything in it have been deleted. Goodbye, and thank you."),
            )
            return redirect("home")
    else:
        form = AccountDeleteForm(user=request.user)
    return render(request, "accounts/settings/delete.html", {"form": form}, status=status)
