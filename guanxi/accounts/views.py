from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.accounts import selectors


def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    view = selectors.profile_view(viewer=request.user, handle=handle)
    return render(request, "accounts/profile_detail.html", {"view": view})
