from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve as serve_static

from guanxi.api.urls import api
from guanxi.core import views as core_views
from guanxi.directory import views as directory_views

handler400 = "guanxi.core.views.bad_request"
handler403 = "guanxi.core.views.permission_denied"
handler404 = "guanxi.core.views.page_not_found"
handler500 = "guanxi.core.views.server_error"
# allauth's rate limits answer with the accounts app's 429.html.

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Guanxi"

urlpatterns = [
    path("", directory_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("guanxi.accounts.urls")),
    path("members/", include("guanxi.directory.urls")),
    path("places/", include("guanxi.places.urls")),
    path("network/", include("guanxi.network.urls")),
    path("notifications/", include("guanxi.notifications.urls")),
]

if settings.DEBUG or not settings.PRODUCTION or settings.TESTING:
    # Embedded mode serves uploads itself; production puts a web server or object
    # storage in front of MEDIA_URL.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_static, {"document_root": settings.MEDIA_ROOT}),
    ]
