from django.conf import settings
from django.http import HttpRequest

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "COMMUNITY_NAME": settings.GUANXI_COMMUNITY_NAME,
        # EMAIL_URL=console:// (the default run): "check your inbox" pages say where mail is.
        "MAIL_PRINTED_TO_TERMINAL": settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND,
    }
