"""Reject oversize request bodies before anything reads them; the CSP header built once."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import HEADER, NONCE
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
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


# What a view's @csp_update / @csp_replace / @csp(...) leaves on its response.
_CSP_OVERRIDES = tuple(
    f"_csp_{kind}{ro}" for kind in ("config", "update", "replace") for ro in ("", "_ro")
)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the policy string built once per process.

    The base class rebuilds the header from the settings on every response
    (dataclasses.asdict and a walk over every directive). Our policy names no nonce
    (no inline script), so a response without per-view overrides gets the same string
    each time: it is kept, keyed by the settings object it came from (tests override
    them). Anything else (a nonce in a directive, a report-only policy, a view's
    override) takes the base class's path, which also handles the exemptions.
    """

    _built: tuple[object, str] | None = None

    def _fixed_policy(self) -> str | None:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if self._built is not None and self._built[0] is policy:
            return self._built[1]
        directives = (policy or {}).get("DIRECTIVES", {})
        fixed = not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) and not any(
            NONCE in value for value in directives.values() if isinstance(value, list | tuple | set)
        )
        header = build_policy() if fixed else None
        self._built = (policy, header)
        return header

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        header = self._fixed_policy()
        if (
            not header
            or settings.DEBUG
            or HEADER in response
            or any(getattr(response, name, None) is not None for name in _CSP_OVERRIDES)
            or getattr(response, "_csp_exempt", False)
            or request.path_info.startswith(
                tuple(settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES") or ())
            )
        ):
            return super().process_response(request, response)
        response[HEADER] = header
        # As the base class does: a nonce asked for after the header is written is an error.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
