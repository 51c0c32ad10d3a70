from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language_info

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The pages base.html links to on every page: the same URLs for every request.
SITE_URL_NAMES = (
    "home",
    "directory",
    "network_connections",
    "notifications",
    "settings",
    "account_logout",
    "account_login",
    "account_signup",
    "set_language",
)


@lru_cache(maxsize=16)
def _site_urls(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    return {name: reverse(name, urlconf=urlconf) for name in SITE_URL_NAMES}


@lru_cache(maxsize=4)
def _site_languages(languages: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], ...]:
    # The language switch shows each language by its own name: nothing per request.
    return tuple(
        {"code": code, "name_local": get_language_info(code)["name_local"]}
        for code, _name in languages
    )


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "COMMUNITY_NAME": settings.GUANXI_COMMUNITY_NAME,
        # EMAIL_URL=console:// (the default run): "check your inbox" pages say where mail is.
        "MAIL_PRINTED_TO_TERMINAL": settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND,
        # Reversed once per process rather than by {% url %} on every page.
        "SITE_URLS": _site_urls(get_script_prefix(), get_urlconf()),
        "SITE_LANGUAGES": _site_languages(tuple(settings.LANGUAGES)),
    }
