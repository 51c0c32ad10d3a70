"""The WSGI application, for a WSGI server (gunicorn) in front of the pages.

`guanxi serve` runs guanxi/asgi.py, which serves this same WSGI handler on a thread
pool and adds WebSockets; this module is for a plain WSGI server. See
docs/DESIGN-platform.md, "Serving pages".
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

application = get_wsgi_application()
