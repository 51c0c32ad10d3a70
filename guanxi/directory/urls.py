from django.urls import path

from guanxi.directory import views

urlpatterns = [
    path("", views.directory, name="directory"),
]
