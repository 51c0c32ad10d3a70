"""Place suggestions for the city fields (an htmx fragment of datalist options)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from guanxi.places import selectors

# A field asks with its own name (htmx sends the input's name): the profile's city,
# an experience entry's location, the directory's city filter; `q` for anyone else.
QUERY_PARAMS = ("q", "city", "location")
MAX_QUERY = 100


@require_GET
def place_suggest(request: HttpRequest) -> HttpResponse:
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
