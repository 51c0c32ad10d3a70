"""Place suggestions for the city fields (an htmx fragment of datalist options)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guanxi.core.errors import RateLimited
from guanxi.core.outcomes import error_response
from guanxi.core.ratelimit import client_ip, hit, seconds_left
from guanxi.places import selectors

# A field asks with its own name (htmx sends the input's name): the profile's city,
# an experience entry's location, the directory's city filter; `q` for anyone else.
QUERY_PARAMS = ("q", "city", "location")
MAX_QUERY = 100
LIMIT_PERIOD = 60


def _within_limit(request: HttpRequest) -> bool:
    """A budget per member when signed in, per address otherwise (the field works signed
    out, in the directory's filter): generous for typing, which asks at most every 250 ms
    and only after two letters, but not a free copy of the gazetteer."""
    who = f"m{request.user.pk}" if request.user.is_authenticated else f"a{client_ip(request)}"
    return hit(
        f"place-suggest:{who}",
        limit=settings.GUANXI_PLACE_SUGGESTIONS_PER_MINUTE,
        period=LIMIT_PERIOD,
    )


@require_GET
def place_suggest(request: HttpRequest) -> HttpResponse:
    if not _within_limit(request):
        # A 429 even to htmx, which then leaves the list as it was (an error swapped
        # into a datalist would show nothing and empty it).
        limited = RateLimited(
            _("Too many place suggestions at once; wait a moment and go on typing."),
            retry_after=seconds_left(LIMIT_PERIOD),
        )
        return error_response(request, limited)
    text = next((request.GET[p] for p in QUERY_PARAMS if request.GET.get(p)), "")[:MAX_QUERY]
    places = selectors.suggest(text) if text.strip() else []
    chinese = (get_language() or "").lower().startswith("zh")
    for place in places:
        # Each option also shows the other language's name, which tells namesakes apart.
        other = place.name_en if chinese else place.name_zh
        place.other_name = other if other != place.name else ""
    response = render(request, "places/_suggestions.html", {"places": places})
    patch_cache_control(response, private=True, max_age=300)
    return response
