"""Network pages: connections, invitations, followers/following, privacy, and the
POST actions behind the buttons on profiles and cards. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts.access import access_member
from guanxi.accounts.errors import MemberNotFound
from guanxi.accounts.models import User
from guanxi.accounts.selectors import member_cards
from guanxi.core.errors import NotFound
from guanxi.core.outcomes import Outcome, answer, back
from guanxi.core.pagination import page_of
from guanxi.network import selectors, services
from guanxi.network.access import access_invitation
from guanxi.network.forms import ConnectForm, ConnectionSearchForm, PrivacyForm
from guanxi.network.templatetags.network_tags import relationship_context

PER_PAGE = 24


def _back(request: HttpRequest, fallback: str = "network_connections") -> HttpResponse:
    return back(request, fallback)


def _member_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("user_id", ""))
    except ValueError:
        raise MemberNotFound from None


def _panel(request: HttpRequest, other_id: int):
    """The relationship panel, re-rendered with an action's outcome inside it."""

    def render_panel(outcome: Outcome) -> HttpResponse:
        other = access_member(request.user, other_id)
        context = relationship_context({"request": request, "user": request.user}, other)
        context.update(notice=outcome.notice, error=outcome.error)
        return render(request, "network/_relationship.html", context)

    return render_panel


def _act(request: HttpRequest, action, success: str) -> HttpResponse:
    """Run `action(other_id)` on the relationship panel; it may return a message that
    replaces `success`."""
    other_id = _member_id(request)
    return answer(
        request,
        lambda: action(other_id),
        success=success,
        fragment=_panel(request, other_id),
        back_to=lambda: _back(request),
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
    services.block(blocker=request.user, blocked_id=_member_id(request))
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
        raise NotFound
    handler, success = handlers[action]
    if not request.htmx:
        # A refused form post is the error page (403/404) like every access refusal;
        # htmx gets the refusal written in the invitation's row by answer() below.
        access_invitation(request.user, request_id, action)
    person = selectors.invitation_counterpart(request.user, request_id) if request.htmx else None

    def row(outcome: Outcome) -> HttpResponse:
        # The invitation's row says what happened, in place.
        context = {
            "request_id": request_id,
            "person": person,
            "notice": outcome.notice,
            "error": outcome.error,
        }
        return render(request, "network/_invitation_outcome.html", context)

    return answer(
        request,
        lambda: handler(user=request.user, request_id=request_id),
        success=success,
        fragment=row,
        back_to=lambda: _back(request, "network_invitations"),
    )


@login_required
def connections(request: HttpRequest) -> HttpResponse:
    return _connections_page(request, request.user)


def member_connections(request: HttpRequest, handle: str) -> HttpResponse:
    owner = access_member(request.user, handle, "view")
    if not selectors.may_see_connections(request.user, owner.pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, "network/connections_private.html", {"owner": owner}, status=403)
    return _connections_page(request, owner)


def _card_page(request: HttpRequest, users):
    """A page of members as member cards (blocks are already left out of `users`)."""
    page = page_of(request, users.values_list("pk", flat=True), per_page=PER_PAGE)
    page.object_list = member_cards(viewer=request.user, ids=page.object_list, keep_blocked=True)
    return page


def _connections_page(request: HttpRequest, owner: User) -> HttpResponse:
    form = ConnectionSearchForm(request.GET or None)
    q, sort = "", "name"
    if form.is_valid():
        q, sort = form.cleaned_data["q"], form.cleaned_data["sort"] or "name"
    users = selectors.connections_page_queryset(owner.pk, viewer_id=request.user.pk, q=q, sort=sort)
    page = _card_page(request, users)
    context = {
        "owner": owner,
        "is_me": owner.pk == request.user.pk,
        "form": form,
        "page": page,
        "total": selectors.connection_count(owner.pk),
    }
    template = "network/_connections_results.html" if request.htmx else "network/connections.html"
    return render(request, template, context)


def _invitations_page(request: HttpRequest, *, received: bool) -> HttpResponse:
    rows = (selectors.invitations_received if received else selectors.invitations_sent)(
        request.user.pk
    )
    page = page_of(request, rows, per_page=PER_PAGE)
    page.object_list = selectors.invitation_items(request.user, page.object_list, received=received)
    context = {"page": page, "tab": "received" if received else "sent"}
    return render(request, "network/invitations.html", context)


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    return _invitations_page(request, received=True)


@login_required
def invitations_sent(request: HttpRequest) -> HttpResponse:
    return _invitations_page(request, received=False)


def _follow_page(request: HttpRequest, *, followers: bool) -> HttpResponse:
    users = selectors.follows_queryset(request.user.pk, followers=followers)
    return render(
        request,
        "network/follows.html",
        {
            "page": _card_page(request, users),
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
    blocked = page_of(request, selectors.blocked_ids(request.user.pk), per_page=PER_PAGE)
    # The viewer's own block list: the one place blocked members' cards are shown.
    blocked.object_list = member_cards(
        viewer=request.user, ids=blocked.object_list, keep_blocked=True
    )
    return render(request, "network/privacy.html", {"form": form, "blocked": blocked})
