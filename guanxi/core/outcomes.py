"""How pages answer the outcome of an action, a domain error included, in one place.

- `answer()` runs a page action: an htmx request gets the target fragment re-rendered
  with the outcome written inside it, status 200 (htmx does not swap a 4xx, and a flash
  message would only show a page later); a plain form post gets the outcome as a flash
  message and goes back.
- `add_to_form()` puts a service's error on the form that caused it.
- `DomainErrorMiddleware` answers what a view lets through: the site's error page for
  a page, a flash message and the way back for a form post, an alert in place for htmx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import DomainError, NotAllowed, NotFound
from guanxi.core.views import error_page


@dataclass(frozen=True)
class Outcome:
    """What an action came to: a notice on success, an error message otherwise."""

    notice: str = ""
    error: str = ""
    code: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Redirect to the form's `next` or the referring page when it is this site's, else
    to the `fallback` URL name."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def answer(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    success: str,
    fragment: Callable[[Outcome], HttpResponse],
    back_to: Callable[[], HttpResponse],
) -> HttpResponse:
    """Run `action` and answer with its outcome (see the module's docstring).

    `action` may return a string that replaces `success`; a DomainError it raises
    becomes the outcome's error. Errors raised before (an `access_*` refusal) are not
    the action's: they reach `DomainErrorMiddleware`.
    """
    try:
        result = action()
    except DomainError as error:
        outcome = Outcome(error=error.message, code=error.code)
    else:
        outcome = Outcome(notice=result if isinstance(result, str) else str(success))
    if request.htmx:
        return fragment(outcome)
    if outcome.error:
        messages.error(request, outcome.error)
    elif outcome.notice:
        messages.success(request, outcome.notice)
    return back_to()


def outcome_fragment(
    request: HttpRequest, outcome: Outcome, *, tag: str = "div", target_id: str = ""
) -> HttpResponse:
    """The outcome alone in place of the target (a card that is done with): in a `tag`
    that fits where the target stood (`li` in a list), keeping its id for later swaps."""
    context = {"outcome": outcome, "tag": tag, "target_id": target_id}
    return HttpResponse(render_to_string("core/_outcome.html", context, request))


def add_to_form(
    form: forms.Form, error: DomainError, *, rename: dict[str, str] | None = None
) -> None:
    """Show `error` on `form`: each field message next to its field (renamed where the
    service's names differ from the form's; "__all__" is the error as a whole), the rest
    above the form."""
    for field, texts in (error.fields or {"__all__": [error.message]}).items():
        target = (rename or {}).get(field, field)
        form.add_error(target if target in form.fields else None, texts)


def form_status(request: HttpRequest, error: DomainError | None) -> int:
    """The status of a form page shown again with an error: the error's own, except for
    htmx, which swaps only a 2xx."""
    if error is None or request.htmx:
        return 200
    return error.status


TITLES = {
    404: _("Page not found"),
    403: _("You may not do that"),
    409: _("That cannot be done now"),
    422: _("Something was not valid"),
    429: _("Too many requests"),
}


def error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The site's error page for `error`, with its status (and Retry-After when it says):
    what the middleware answers, for a view that must answer with the status even to htmx
    (an endpoint whose answer htmx should leave unswapped)."""
    title = TITLES.get(error.status, TITLES[422])
    response = error_page(
        request, error.status, str(title), error.message, api_message=error.message
    )
    if getattr(error, "retry_after", None):
        response["Retry-After"] = str(error.retry_after)
    return response


class DomainErrorMiddleware:
    """Answer a DomainError that a page view let through (the API has its own handlers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if getattr(request, "htmx", False):
            failed = Outcome(error=exception.message, code=exception.code)
            return outcome_fragment(request, failed)
        if request.method == "POST" and not isinstance(exception, NotFound | NotAllowed):
            # A form post the rule refused: say why on the page the member came from.
            messages.error(request, exception.message)
            return back(request, "home")
        return error_response(request, exception)
