"""The WSGI application, for a WSGI server (gunicorn) in front of the pages.

`guanxi serve` runs the ASGI application (guanxi/asgi.py); this one serves the same
Django project without the ASGI layer. See docs/DESIGN-platform.md, "Serving".
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

application = get_wsgi_application()
