import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

django_application = get_asgi_application()

from guanxi.core.asgi_limits import RequestBodyLimit  # noqa: E402 - needs settings loaded

application = RequestBodyLimit(django_application)
