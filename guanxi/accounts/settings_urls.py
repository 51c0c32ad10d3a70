from django.urls import path

from guanxi.accounts import settings_views

urlpatterns = [
    path("", settings_views.settings_index, name="settings"),
]
