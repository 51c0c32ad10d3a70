from django.urls import include, path

urlpatterns = [
    path("settings/", include("guanxi.accounts.settings_urls")),
    path("", include("guanxi.accounts.profile_urls")),
]
