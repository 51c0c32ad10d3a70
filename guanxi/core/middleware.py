"""Reject oversize request bodies before anything reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from guanxi.core.views import error_page


class RequestSizeLimitMiddleware:
    """Answer 413 for bodies above GUANXI_MAX_REQUEST_BYTES.

    Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) only cover form fields; this
    bounds the whole body, uploads included. It sits last in MIDDLEWARE so the answer
    still gets the security headers, the session and the member's language, and it
    answers in the API's error shape under /api/.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.GUANXI_MAX_REQUEST_BYTES
        if length > limit:
            message = _("The request is too large (limit %(mb)s MB).") % {
                "mb": round(limit / 1024 / 1024, 1)
            }
            title = _("That was too much at once")
            return error_page(request, 413, title, message, api_message=message)
        return self.get_response(request)
