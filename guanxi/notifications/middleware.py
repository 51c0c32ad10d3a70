"""Remember the language each member uses the site in, so emails written to them by
the worker (with no request to ask) are in that language. Recorded when the member
does something (a POST: logging in, answering, saving), once per session and
language, so reading pages costs nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from guanxi.notifications.services import remember_site_language

SESSION_KEY = "_guanxi_site_language"


class LanguageMemoryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return response
        if user is None or session is None or not user.is_authenticated:
            return response
        language = getattr(request, "LANGUAGE_CODE", "") or translation.get_language()
        if language and session.get(SESSION_KEY) != language:
            remember_site_language(user=user, language=language)
            session[SESSION_KEY] = language
        return response
