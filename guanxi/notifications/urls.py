from django.urls import path

from guanxi.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
]
