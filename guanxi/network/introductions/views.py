"""Introduction pages: introduce two connections, the introductions received and made,
and introduction ideas. Thin: services.py writes, selectors.py reads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts.access import access_member
from guanxi.core.errors import Conflict, DomainError, NotFound
from guanxi.core.outcomes import Outcome, add_to_form
from guanxi.core.outcomes import answer as respond
from guanxi.core.pagination import page_of
from guanxi.network.introductions import selectors, services
from guanxi.network.introductions.access import access_introduction
from guanxi.network.introductions.forms import (
    IntroduceForm,
    IntroductionAskForm,
    PickerSearchForm,
    id_from,
)
from guanxi.network.models.introductions import INTRODUCTION_NOTE_MAX

PER_PAGE = 20
IDEAS_SHOWN = 12


@login_required
def introduce(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    a_id, b_id = id_from(source.get("a")), id_from(source.get("b"))
    search = PickerSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    people = selectors.connections_for_picker(user=request.user, q=q, include=(a_id, b_id))
    if request.method == "POST":
        form = IntroduceForm(request.POST, people=people)
        if form.is_valid():
            try:
                services.introduction_create(
                    introducer=request.user,
                    a_id=form.cleaned_data["a"],
                    b_id=form.cleaned_data["b"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Introduction sent. They will be connected if both say yes."),
                )
                return redirect(f"{reverse('network_introductions')}?show=made")
    else:
        mine = {person.pk for person in people}
        initial = {
            "a": a_id if a_id in mine else None,
            "b": b_id if b_id in mine else None,
        }
        initial["note"] = selectors.prefilled_note(a_id=initial["a"], b_id=initial["b"])
        form = IntroduceForm(initial=initial, people=people)
    context = {
        "form": form,
        "search": search,
        "q": q,
        "a_id": a_id,
        "b_id": b_id,
        "has_connections": bool(people) or bool(q),
        "tab": "introduce",
        "pending_count": selectors.pending_count(user=request.user),
    }
    return render(request, "network/introduce.html", context)


@login_required
def introductions(request: HttpRequest) -> HttpResponse:
    show = "made" if request.GET.get("show") == "made" else "received"
    if show == "made":
        page = page_of(request, selectors.made_queryset(user=request.user), per_page=PER_PAGE)
        items = selectors.as_made(page.object_list, user=request.user)
    else:
        page = page_of(request, selectors.received_queryset(user=request.user), per_page=PER_PAGE)
        items = selectors.as_received(page.object_list, user=request.user)
    context = {
        "page": page,
        "items": items,
        "show": show,
        "tab": show,
        "pending_count": selectors.pending_count(user=request.user),
    }
    return render(request, "network/introductions.html", context)


def _answered(result, accepted: bool) -> str:
    if result.status == result.Status.CONNECTED:
        return _("You both said yes: you are now connected.")
    if accepted:
        return _("Thank you. We will let you know when they answer.")
    return _("Noted. Only you know that you said not now.")


@login_required
@require_POST
def introduction_answer(request: HttpRequest, introduction_id: int, answer: str) -> HttpResponse:
    if answer not in ("accept", "decline"):
        raise NotFound
    access_introduction(request.user, introduction_id, "answer")
    accepted = answer == "accept"

    def card(outcome: Outcome) -> HttpResponse:
        # The card in place, showing its new state (or why the answer was refused).
        items = selectors.as_received(
            selectors.received_queryset(user=request.user).filter(pk=introduction_id),
            user=request.user,
        )
        if not items:
            return HttpResponse("")
        context = {
            "item": items[0],
            "error_message": outcome.error,
            "pending_count": selectors.pending_count(user=request.user),
        }
        return render(request, "network/_introduction_answered.html", context)

    return respond(
        request,
        lambda: _answered(
            services.introduction_respond(
                user=request.user, introduction_id=introduction_id, accept=accepted
            ),
            accepted,
        ),
        success="",
        fragment=card,
        back_to=lambda: redirect(
            f"{reverse('network_introductions')}#introduction-{introduction_id}"
        ),
    )


@login_required
def introduction_ideas(request: HttpRequest) -> HttpResponse:
    ideas = selectors.introduction_ideas(user=request.user, limit=IDEAS_SHOWN)
    return render(request, "network/introduction_ideas.html", {"ideas": ideas, "tab": "ideas"})


@login_required
def introduction_ask(request: HttpRequest, user_id: int) -> HttpResponse:
    """Ask a shared connection to introduce you to `user_id` (the Introduce button on a suggestion)."""
    target = access_member(request.user, user_id)
    try:
        options = selectors.ask_options(requester=request.user, target_id=target.pk)
    except Conflict as error:  # already connected: nothing to ask, back to their profile
        messages.info(request, error.message)
        return redirect("profile", handle=target.username)
    form = IntroductionAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.introduction_ask(
                requester=request.user,
                target_id=user_id,
                via_id=form.cleaned_data["via"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_to_form(form, error, rename={"__all__": "via"})
        else:
            messages.success(request, _("Your request is on its way."))
            return redirect("network_suggestions")
    return render(
        request,
        "network/introduction_ask.html",
        {"options": options, "form": form, "note_max": INTRODUCTION_NOTE_MAX},
    )
