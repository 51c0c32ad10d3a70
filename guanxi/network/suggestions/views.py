"""Pages for people you may know and for members who share an interest. Thin:
suggestions and shared_interests do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.models import ProfileTag
from guanxi.network.errors import NetworkError
from guanxi.network.suggestions import services as suggestions
from guanxi.network.suggestions import shared_interests

PAGE_SIZE = 30


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("network_suggestions")


@login_required
@require_GET
def suggestions_page(request: HttpRequest) -> HttpResponse:
    cards = suggestions.suggestions_for(request.user, limit=PAGE_SIZE)
    return render(request, "network/suggestions.html", {"cards": cards})


@login_required
@require_POST
def dismiss(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        suggestions.dismiss_suggestion(user=request.user, candidate_id=user_id)
    except NetworkError as error:
        if request.htmx:
            return HttpResponse(error.message, status=error.status)
        messages.error(request, error.message)
        return _back(request)
    if request.htmx:
        # The card is swapped for nothing: it disappears in place.
        return HttpResponse("")
    messages.success(request, _("We will not suggest this member again."))
    return _back(request)


@login_required
@require_GET
def tag_members(request: HttpRequest, tag: str) -> HttpResponse:
    found = shared_interests.find_tag(tag)
    if found is None:
        raise Http404
    page = shared_interests.members_sharing_tag(request.user, found, page=request.GET.get("page"))
    mine = ProfileTag.objects.filter(profile_id=request.user.pk, tag=found).exists()
    return render(request, "network/shared_tag.html", {"tag": found, "page": page, "mine": mine})


@login_required
@require_GET
def shared(request: HttpRequest) -> HttpResponse:
    page = shared_interests.members_sharing_my_tags(request.user, page=request.GET.get("page"))
    my_tags = list(
        ProfileTag.objects.filter(profile_id=request.user.pk)
        .select_related("tag")
        .order_by("kind", "position", "id")
    )
    return render(request, "network/shared.html", {"page": page, "my_tags": my_tags})
