from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from guanxi.accounts import selectors
from django.shortcuts import render


def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    view = selectors.profile_view(viewer=request.user, handle=handle)
    return render(request, "accounts/profile_detail.html", {"view": view})


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return redirect("profile", handle=request.user.username)
