"""Network pages: connections, invitations, followers/following, privacy, and the
POST actions behind the buttons on profiles and cards. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts.models import User
from guanxi.core.pagination import page_of
from guanxi.network import selectors, services
from guanxi.network.errors import NetworkError
from guanxi.network.forms import ConnectForm, ConnectionSearchForm, PrivacyForm
from guanxi.network.models import Block
from guanxi.network.templatetags.network_tags import relationship_context

PER_PAGE = 24


def _back(request: HttpRequest, fallback: str = "network_connections") -> HttpResponse:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _member_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("user_id", ""))
    except ValueError:
        raise Http404 from None


def _relationship_response(
    request: HttpRequest, other_id: int, *, notice: str = "", error: str = ""
) -> HttpResponse:
    """htmx swaps the relationship panel in place, with the outcome written inside it;
    a plain form post goes back, with the outcome as a flash message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif notice:
            messages.success(request, notice)
        return _back(request)
    other = User.objects.select_related("profile").filter(pk=other_id).first()
    if other is None:
        raise Http404
    context = relationship_context({"request": request, "user": request.user}, other)
    context.update(notice=notice, error=error)
    return render(request, "network/_relationship.html", context)


def _act(request: HttpRequest, action, success: str) -> HttpResponse:
    """Run `action(other_id)`; it may return a message that replaces `success`."""
    other_id = _member_id(request)
    try:
        outcome = action(other_id)
    except NetworkError as error:
        return _relationship_response(request, other_id, error=error.message)
    return _relationship_response(
        request, other_id, notice=outcome if isinstance(outcome, str) else success
    )


@login_required
@require_POST
def connect(request: HttpRequest) -> HttpResponse:
    form = ConnectForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("note", []):
            messages.error(request, error)
        return _back(request)

    def send(other_id: int) -> str | None:
        outcome = services.connection_request_send(
            sender=request.user, recipient_id=other_id, note=form.cleaned_data["note"]
        )
        return _("You are now connected.") if outcome.connection is not None else None

    return _act(request, send, _("Invitation sent."))


@login_required
@require_POST
def remove_connection(request: HttpRequest) -> HttpResponse:
    return _act(
        request,
        lambda other: services.connection_remove(user=request.user, other_id=other),
        _("Connection removed."),
    )


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    return _act(
        request, lambda other: services.follow(follower=request.user, followee_id=other), ""
    )


@login_required
@require_POST
def unfollow(request: HttpRequest) -> HttpResponse:
    return _act(
        request, lambda other: services.unfollow(follower=request.user, followee_id=other), ""
    )


@login_required
@require_POST
def block(request: HttpRequest) -> HttpResponse:
    other_id = _member_id(request)
    try:
        services.block(blocker=request.user, blocked_id=other_id)
    except NetworkError as error:
        messages.error(request, error.message)
        return _back(request)
    messages.success(request, _("Blocked. You will no longer see each other."))
    # Their profile is now hidden from us: go to the list where blocks are undone.
    return redirect("network_privacy")


@login_required
@require_POST
def unblock(request: HttpRequest) -> HttpResponse:
    services.unblock(blocker=request.user, blocked_id=_member_id(request))
    messages.success(request, _("Unblocked."))
    return redirect("network_privacy")


@login_required
@require_POST
def invitation_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    handlers = {
        "accept": (
            services.connection_request_accept,
            _("Invitation accepted. You are now connected."),
        ),
        "ignore": (services.connection_request_ignore, _("Invitation ignored.")),
        "withdraw": (services.connection_request_withdraw, _("Invitation withdrawn.")),
    }
    if action not in handlers:
        raise Http404
    handler, success = handlers[action]
    person = selectors.invitation_counterpart(request.user.pk, request_id) if request.htmx else None
    notice, error = success, ""
    try:
        handler(user=request.user, request_id=request_id)
    except NetworkError as failure:
        notice, error = "", failure.message
    if request.htmx:
        # The invitation's row says what happened, in place (a 200: htmx does not swap
        # 4xx answers, and a flash message would only show up a page later).
        context = {"request_id": request_id, "person": person, "notice": notice, "error": error}
        return render(request, "network/_invitation_outcome.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return _back(request, "network_invitations")


@login_required
def connections(request: HttpRequest) -> HttpResponse:
    return _connections_page(request, request.user)


def member_connections(request: HttpRequest, handle: str) -> HttpResponse:
    owner = selectors.member_for_viewer(request.user, handle)
    if not selectors.may_see_connections(request.user, owner.pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, "network/connections_private.html", {"owner": owner}, status=403)
    return _connections_page(request, owner)


def _connections_page(request: HttpRequest, owner: User) -> HttpResponse:
    form = ConnectionSearchForm(request.GET or None)
    q, sort = "", "name"
    if form.is_valid():
        q, sort = form.cleaned_data["q"], form.cleaned_data["sort"] or "name"
    users = selectors.connections_page_queryset(owner.pk, viewer_id=request.user.pk, q=q, sort=sort)
    page = page_of(request, users, per_page=PER_PAGE)
    context = {
        "owner": owner,
        "is_me": owner.pk == request.user.pk,
        "form": form,
        "page": page,
        "total": selectors.connection_count(owner.pk),
    }
    template = "network/_connections_results.html" if request.htmx else "network/connections.html"
    return render(request, template, context)


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    received = selectors.invitations_received(request.user.pk)
    return render(
        request,
        "network/invitations.html",
        {"page": page_of(request, received, per_page=PER_PAGE), "tab": "received"},
    )


@login_required
def invitations_sent(request: HttpRequest) -> HttpResponse:
    sent = selectors.invitations_sent(request.user.pk)
    return render(
        request,
        "network/invitations.html",
        {"page": page_of(request, sent, per_page=PER_PAGE), "tab": "sent"},
    )


def _follow_page(request: HttpRequest, *, followers: bool) -> HttpResponse:
    users = selectors.follows_queryset(request.user.pk, followers=followers)
    return render(
        request,
        "network/follows.html",
        {
            "page": page_of(request, users, per_page=PER_PAGE),
            "tab": "followers" if followers else "following",
        },
    )


@login_required
def followers(request: HttpRequest) -> HttpResponse:
    return _follow_page(request, followers=True)


@login_required
def following(request: HttpRequest) -> HttpResponse:
    return _follow_page(request, followers=False)


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    current = selectors.privacy_for(request.user.pk)
    form = PrivacyForm(
        request.POST or None,
        initial={
            "requests_from": current.requests_from,
            "connections_visible_to": current.connections_visible_to,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.privacy_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Privacy settings saved."))
        return redirect("network_privacy")
    blocked = (
        Block.objects.filter(blocker=request.user)
        .select_related("blocked__profile")
        .order_by("-created_at")
    )
    return render(request, "network/privacy.html", {"form": form, "blocked": blocked})
