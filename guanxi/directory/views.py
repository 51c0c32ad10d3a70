"""The home page and the member directory (thin: selectors do the reading)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from guanxi.accounts import selectors as account_selectors
from guanxi.accounts.models import OpenTo
from guanxi.directory import selectors
from guanxi.directory.forms import TEXT_FILTERS, DirectoryFilterForm
from guanxi.network.suggestions.selectors import suggestions_and_cards

NEWEST_ON_HOME = 6
SUGGESTIONS_ON_HOME = 3


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"member_count": selectors.member_count()}
    if request.user.is_authenticated:
        profile, completeness = selectors.profile_completeness(user=request.user)
        # The newest members' cards and the suggestions' are built in one pass.
        suggestions, newest = suggestions_and_cards(
            request.user,
            limit=SUGGESTIONS_ON_HOME,
            also=selectors.newest_member_ids(request.user, limit=NEWEST_ON_HOME),
        )
        context.update(
            newest=newest,
            my_profile=profile,
            completeness=completeness,
            newcomer=account_selectors.is_newcomer(user=request.user),
            suggestions=suggestions,
        )
    else:
        context["newest"] = selectors.newest_members(request.user, limit=NEWEST_ON_HOME)
    return render(request, "core/home.html", context)


def _active_filters(form: DirectoryFilterForm) -> list[dict[str, str]]:
    """The filters in use, each with a link that removes it (and resets the page)."""
    data = form.cleaned_data
    labels = {name: form.fields[name].label for name in (*TEXT_FILTERS, "open_to")}
    kept = {
        name: data[name]
        for name in (*TEXT_FILTERS, "open_to", "sort")
        if data.get(name) and not (name == "sort" and data[name] == selectors.SORT_NAME)
    }
    chips = []
    for name, value in kept.items():
        if name == "sort":
            continue
        shown = OpenTo.from_slug(value).label if name == "open_to" else value
        rest = {key: val for key, val in kept.items() if key != name}
        chips.append(
            {
                "label": str(labels[name]),
                "value": str(shown),
                "url": "?" + urlencode(rest) if rest else "?",
            }
        )
    return chips


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET)
    form.is_valid()
    result = None
    notice = ""
    if not form.filter_errors:
        if "page" in form.errors:
            notice = _("That page number is not valid, so here is the first page.")
        filters = form.filters()
        page = form.requested_page()
        search = {
            "viewer": request.user,
            "filters": filters,
            "page_size": settings.GUANXI_DIRECTORY_PAGE_SIZE,
        }
        try:
            result = selectors.directory_search(page=page, **search)
        except selectors.PageOutOfRange as exc:
            notice = _("There is no page %(page)d, so here is the last one.") % {"page": page}
            result = selectors.directory_search(page=exc.last_page, **search)
    context = {
        "form": form,
        "result": result,
        "notice": notice,
        "chips": _active_filters(form) if result is not None else [],
        "is_filtering": result is not None and form.filters().is_filtering,
    }
    # htmx swaps just the results; a history restore needs the whole page again.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "directory/_results.html" if fragment else "directory/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
