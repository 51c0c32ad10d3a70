from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.pagination import page_of
from guanxi.notifications import selectors, services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.notifications_for(recipient=request.user), per_page=30)
    items = selectors.as_items(page.object_list)
    # Showing them is reading them; the page still marks which ones were new.
    services.notifications_mark_read(
        recipient=request.user, ids=[item.id for item in items if item.unread]
    )
    return render(request, "notifications/list.html", {"page": page, "items": items})
