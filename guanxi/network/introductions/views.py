"""Introduction pages: introduce two connections, the introductions received and made,
and introduction ideas. Thin: the services and selectors in services.py do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts.models import User
from guanxi.core.pagination import page_of
from guanxi.network.affinity import affinity, load_traits, reasons
from guanxi.network.errors import NetworkError, NotAllowed, NotFound
from guanxi.network.introductions import asks
from guanxi.network.introductions import services as intro
from guanxi.network.introductions.forms import (
    IntroduceForm,
    IntroductionAskForm,
    PickerSearchForm,
    id_from,
)

PER_PAGE = 20
IDEAS_SHOWN = 12


def _prefilled_note(user, a_id: int | None, b_id: int | None) -> str:
    """The note an idea suggests for this pair, when both are the member's connections."""
    if not a_id or not b_id or a_id == b_id:
        return ""
    traits = load_traits([a_id, b_id])
    if a_id not in traits or b_id not in traits:
        return ""
    return intro.suggested_note(reasons(affinity(traits[a_id], traits[b_id]), limit=3))


@login_required
def introduce(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    a_id, b_id = id_from(source.get("a")), id_from(source.get("b"))
    search = PickerSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    people = intro.connections_for_picker(user=request.user, q=q, include=(a_id, b_id))
    if request.method == "POST":
        form = IntroduceForm(request.POST, people=people)
        if form.is_valid():
            try:
                intro.introduction_create(
                    introducer=request.user,
                    a_id=form.cleaned_data["a"],
                    b_id=form.cleaned_data["b"],
                    note=form.cleaned_data["note"],
                )
            except NetworkError as error:
                form.add_error(None, error.message)
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
        initial["note"] = _prefilled_note(request.user, initial["a"], initial["b"])
        form = IntroduceForm(initial=initial, people=people)
    context = {
        "form": form,
        "search": search,
        "q": q,
        "a_id": a_id,
        "b_id": b_id,
        "has_connections": bool(people) or bool(q),
        "tab": "introduce",
        "pending_count": intro.pending_count(user=request.user),
    }
    return render(request, "network/introduce.html", context)


@login_required
def introductions(request: HttpRequest) -> HttpResponse:
    show = "made" if request.GET.get("show") == "made" else "received"
    if show == "made":
        page = page_of(request, intro.made_queryset(user=request.user), per_page=PER_PAGE)
        items = intro.as_made(page.object_list)
    else:
        page = page_of(request, intro.received_queryset(user=request.user), per_page=PER_PAGE)
        items = intro.as_received(page.object_list, user=request.user)
    context = {
        "page": page,
        "items": items,
        "show": show,
        "tab": show,
        "pending_count": intro.pending_count(user=request.user),
    }
    return render(request, "network/introductions.html", context)


def _answer_message(request: HttpRequest, result, accepted: bool) -> None:
    if result.status == result.Status.CONNECTED:
        messages.success(request, _("You both said yes: you are now connected."))
    elif accepted:
        messages.success(request, _("Thank you. We will let you know when they answer."))
    else:
        messages.info(request, _("Noted. Only you know that you said not now."))


@login_required
@require_POST
def introduction_answer(request: HttpRequest, introduction_id: int, answer: str) -> HttpResponse:
    if answer not in ("accept", "decline"):
        raise Http404
    error_message = ""
    try:
        result = intro.introduction_respond(
            user=request.user, introduction_id=introduction_id, accept=answer == "accept"
        )
    except NotFound:
        raise Http404 from None
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except NetworkError as error:
        error_message = error.message
    if request.htmx:
        # The card is swapped in place and shows the new state (or the error) itself.
        items = intro.as_received(
            intro.received_queryset(user=request.user).filter(pk=introduction_id),
            user=request.user,
        )
        if not items:
            return HttpResponse("")
        context = {
            "item": items[0],
            "error_message": error_message,
            "pending_count": intro.pending_count(user=request.user),
        }
        return render(request, "network/_introduction_answered.html", context)
    if error_message:
        messages.error(request, error_message)
    else:
        _answer_message(request, result, answer == "accept")
    return redirect(f"{reverse('network_introductions')}#introduction-{introduction_id}")


@login_required
def introduction_ideas(request: HttpRequest) -> HttpResponse:
    ideas = intro.introduction_ideas(user=request.user, limit=IDEAS_SHOWN)
    return render(request, "network/introduction_ideas.html", {"ideas": ideas, "tab": "ideas"})


@login_required
def introduction_ask(request: HttpRequest, user_id: int) -> HttpResponse:
    """Ask a shared connection to introduce you to `user_id` (the Introduce button on a suggestion)."""
    try:
        options = asks.ask_options(requester=request.user, target_id=user_id)
    except NotFound:
        raise Http404 from None
    except NetworkError as error:
        messages.info(request, error.message)
        return redirect("profile", handle=User.objects.get(pk=user_id).username)
    form = IntroductionAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asks.introduction_ask(
                requester=request.user,
                target_id=user_id,
                via_id=form.cleaned_data["via"],
                note=form.cleaned_data["note"],
            )
        except NetworkError as error:
            form.add_error("via", error.message)
        else:
            messages.success(request, _("Your request is on its way."))
            return redirect("network_suggestions")
    return render(
        request,
        "network/introduction_ask.html",
        {"options": options, "form": form, "note_max": intro.INTRODUCTION_NOTE_MAX},
    )
