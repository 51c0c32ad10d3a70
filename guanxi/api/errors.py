"""The API's error shape: {"error": {"code", "message", "fields"?}} with the right status.

Errors raised inside an endpoint are answered by the handlers installed on the NinjaAPI;
errors Django answers before or around ninja (unknown route, wrong method, oversize
body, server error) are reshaped by `ApiErrorShapeMiddleware` and the site's error views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

API_PREFIX = "/api/"

STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Authentication is required."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The request is too large."),
        415: _("This content type is not supported."),
        422: _("Some fields are not valid."),
        429: _("Too many requests; try again in a minute."),
        500: _("Something went wrong on our side."),
        503: _("The service is briefly unavailable; try again in a minute."),
    }
    return messages.get(status, _("The request failed."))


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX) or request.path.startswith(API_PREFIX)


class ApiError(Exception):
    """Raise from an endpoint or service adapter to answer with a given status and code."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


def error_body(code: str, message: str, fields: dict | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _ninja_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        loc = [
            str(part)
            for part in err.get("loc", [])
            if part not in ("body", "query", "path", "form", "payload")
        ]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, code: str, message: str, fields=None):
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        return respond(
            request, 422, "invalid", _("Some fields are not valid."), _ninja_fields(exc.errors)
        )

    @api.exception_handler(ValidationError)
    def django_validation_error(request, exc: ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return respond(request, 422, "invalid", _("Some fields are not valid."), fields)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return respond(request, 401, "unauthenticated", _("Authentication is required."))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return respond(request, 403, "forbidden", str(exc) or _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return respond(request, 413, "payload_too_large", _("The request is too large."))

    # ninja raises these two with fixed English texts; answer them in the member's language.
    ninja_messages = {
        "Cannot parse request body": lambda: _("The request body is not valid JSON."),
        "CSRF check Failed": lambda: _(
            "CSRF check failed: send the X-CSRFToken header with session authentication, "
            "or use a personal access token."
        ),
        "Unauthorized": lambda: default_message(401),
        "Forbidden": lambda: default_message(403),
    }

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        status = exc.status_code
        text = str(exc)
        translated = next(
            (make() for prefix, make in ninja_messages.items() if text.startswith(prefix)), None
        )
        message = translated or text or default_message(status)
        return respond(request, status, STATUS_CODES.get(status, "error"), message)


class ApiErrorShapeMiddleware:
    """Give every error answer under /api/ the API's JSON shape.

    Covers what never reaches an endpoint's exception handlers: an unknown route (404),
    a method the route does not serve (405), and any other non-JSON error response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_request(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if settings.DEBUG and response.status_code >= 500:
            return response  # keep Django's technical page while developing
        status = response.status_code
        # The site's error pages (core.views.error_page) may carry a specific message, and
        # core.input_guard's refusals the field at fault.
        message = getattr(response, "error_message", "") or default_message(status)
        fields = getattr(response, "error_fields", None)
        reshaped = JsonResponse(
            error_body(STATUS_CODES.get(status, "error"), message, fields), status=status
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                reshaped[header] = response[header]
        return reshaped
