from django.urls import path

from guanxi.places import views

urlpatterns = [
    path("suggest/", views.place_suggest, name="place_suggest"),
]
