"""Health probes and the site's error pages (wired as handler400/403/404/500)."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30  # advice to clients while the database is unavailable


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Checks nothing else on purpose."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and, when configured, Redis does too."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready
        checks["database"] = f"error: {exc.__class__.__name__}"
        healthy = False
    if settings.REDIS_URL:
        try:
            cache.ping()  # Redis itself: the cache's local fallback does not count as ready
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


# --- Error pages ---------------------------------------------------------------------


def _fallback_html(status: int, title: str, message: str) -> str:
    # Used only when the full page cannot be rendered (e.g. the database is down).
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f'</title><link rel="stylesheet" href="{escape(settings.STATIC_URL)}guanxi/site.css">'
        f'</head><body><main class="container main"><div class="card narrow error-page">'
        f'<p class="error-code">{status}</p><h1>{escape(title)}</h1><p>{escape(message)}</p>'
        f'<p><a href="/">{escape(_("Go to the home page"))}</a></p></div></main></body></html>'
    )


def error_page(
    request: HttpRequest, status: int, title: str, message: str, *, api_message: str = ""
) -> HttpResponse:
    """An error page in the site frame. Under /api/ the API's own middleware turns it into
    its JSON shape, with `api_message` as the message when given (core knows no API)."""
    context = {"status": status, "title": title, "message": message}
    try:
        body = render_to_string("error.html", context, request=request)
    except Exception:
        logger.exception("could not render the %s page", status)
        body = _fallback_html(status, title, message)
    response = HttpResponse(body, status=status)
    response.error_message = api_message
    return response


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_page(
            request,
            413,
            _("That was too much at once"),
            _(
                "The form you sent is larger than this site accepts. Shorten the text or "
                "send a smaller file, then try again."
            ),
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return error_page(
            request,
            400,
            _("That form had too many fields"),
            _("The form you sent has more fields or files than this site accepts."),
        )
    return error_page(
        request,
        400,
        _("Something was wrong with that request"),
        _("Your browser sent a request this site could not understand. Please try again."),
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        403,
        _("You may not do that"),
        _("You do not have permission to see this page or take this action."),
    )


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        404,
        _("Page not found"),
        _("We could not find that page. It may have moved, or the link may be mistyped."),
    )


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # The database is down or restarting: say so, and when to come back.
        response = error_page(
            request,
            503,
            _("The site is briefly unavailable"),
            _("Its database is not answering right now. Please try again in a minute."),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_page(
        request,
        500,
        _("Something went wrong on our side"),
        _("The error has been logged. Please try again in a moment."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        _("Your session has expired"),
        _(
            "The form could not be checked against your session, usually because the page "
            "was open for a long time or cookies are blocked. Go back, reload the page and "
            "try again."
        ),
    )
