from django.urls import path

from guanxi.accounts import views

urlpatterns = [
    path("@<str:handle>/", views.profile_detail, name="profile"),
]
