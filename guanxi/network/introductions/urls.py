"""Introduction pages, mounted under /network/ next to the network's own URLs."""

from django.urls import path

from guanxi.network.introductions import views

urlpatterns = [
    path("introduce/", views.introduce, name="network_introduce"),
    path("introductions/", views.introductions, name="network_introductions"),
    path(
        "introductions/ask/<int:user_id>/", views.introduction_ask, name="network_introduction_ask"
    ),
    path("introductions/ideas/", views.introduction_ideas, name="network_introduction_ideas"),
    path(
        "introductions/<int:introduction_id>/<str:answer>/",
        views.introduction_answer,
        name="network_introduction_answer",
    ),
]
