"""Pages for people you may know and for members who share an interest. Thin:
suggestions and shared_interests do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.selectors import has_tag, profile_tags
from guanxi.core.errors import NotFound
from guanxi.core.outcomes import Outcome, answer, back, outcome_fragment
from guanxi.network.suggestions import selectors as served
from guanxi.network.suggestions import services as suggestions
from guanxi.network.suggestions import shared_interests

PAGE_SIZE = 30


@login_required
@require_GET
def suggestions_page(request: HttpRequest) -> HttpResponse:
    cards = served.suggestions_for(request.user, limit=PAGE_SIZE)
    return render(request, "network/suggestions.html", {"cards": cards})


@login_required
@require_POST
def dismiss(request: HttpRequest, user_id: int) -> HttpResponse:
    def card(outcome: Outcome) -> HttpResponse:
        # Done: the card is swapped for nothing and disappears; refused: it says why.
        if outcome.ok:
            return HttpResponse("")
        return outcome_fragment(request, outcome, tag="li", target_id=f"suggestion-{user_id}")

    return answer(
        request,
        lambda: suggestions.dismiss_suggestion(user=request.user, candidate_id=user_id),
        success=_("We will not suggest this member again."),
        fragment=card,
        back_to=lambda: back(request, "network_suggestions"),
    )


@login_required
@require_GET
def tag_members(request: HttpRequest, tag: str) -> HttpResponse:
    found = shared_interests.find_tag(tag)
    if found is None:
        raise NotFound(_("No member uses this tag."))
    page = shared_interests.members_sharing_tag(request.user, found, page=request.GET.get("page"))
    mine = has_tag(user_id=request.user.pk, tag_id=found.pk)
    return render(request, "network/shared_tag.html", {"tag": found, "page": page, "mine": mine})


@login_required
@require_GET
def shared(request: HttpRequest) -> HttpResponse:
    page = shared_interests.members_sharing_my_tags(request.user, page=request.GET.get("page"))
    my_tags = profile_tags(user_id=request.user.pk)
    return render(request, "network/shared.html", {"page": page, "my_tags": my_tags})
