from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.pagination import page_of
from guanxi.notifications import registry, selectors, services
from guanxi.notifications.forms import EmailPreferencesForm
from guanxi.notifications.unsubscribe import (
    ALL,
    BadLink,
    make_undo_token,
    read_token,
    read_undo_token,
)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.notifications_for(recipient=request.user), per_page=30)
    items = selectors.as_items(page.object_list)
    # Showing them is reading them; the page still marks which ones were new.
    services.notifications_mark_read(
        recipient=request.user, ids=[item.id for item in items if item.unread]
    )
    return render(request, "notifications/list.html", {"page": page, "items": items})


@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.email_settings_for(request.user)
    site_language = current.site_language or request.LANGUAGE_CODE
    try:
        site_language_name = get_language_info(site_language)["name_local"]
    except KeyError:
        site_language_name = ""
    initial = {
        "paused": current.paused,
        "language": current.language,
        **{
            EmailPreferencesForm.field_name(key): delivery.value
            for key, delivery in selectors.deliveries_for(request.user).items()
        },
    }
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        site_language_name=site_language_name,
    )
    if request.method == "POST":
        if form.is_valid():
            services.email_preferences_update(
                user=request.user,
                deliveries=form.deliveries(),
                paused=form.cleaned_data["paused"],
                language=form.cleaned_data["language"],
            )
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings")
        status = 400
    else:
        status = 200
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "email": request.user.email},
        status=status,
    )


def _scope_label(scope: str) -> str:
    kind = registry.get(scope)
    return str(kind.label) if kind else ""


@csrf_exempt  # a mail provider's one-click POST carries no CSRF token; the link is signed
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification email, and its RFC 8058 one-click POST. It works
    signed out, says what it did and offers to undo it."""
    try:
        link = read_token(token)
    except BadLink:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if link.scope != ALL and registry.get(link.scope) is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    undo = services.unsubscribe(user_id=link.user_id, scope=link.scope)
    if undo is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
    return render(
        request,
        "notifications/unsubscribed.html",
        {
            "all": link.scope == ALL,
            "label": _scope_label(link.scope),
            "undo": make_undo_token(undo),
        },
    )


@require_POST
def unsubscribe_undo(request: HttpRequest) -> HttpResponse:
    try:
        undo = read_undo_token(request.POST.get("undo", ""))
    except BadLink:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if not services.unsubscribe_undo(undo=undo):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    return render(
        request,
        "notifications/resubscribed.html",
        {"all": undo.scope == ALL, "label": _scope_label(undo.scope)},
    )
