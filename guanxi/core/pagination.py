"""One way to paginate list pages: bad or out-of-range page numbers land on a real page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items, *, per_page: int = 24) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))
