from django.urls import path

from guanxi.accounts import views

urlpatterns = [
    path("@<str:handle>/", views.profile_detail, name="profile"),
    path("settings/", views.settings_index, name="settings"),
]
