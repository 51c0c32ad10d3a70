"""People you may know and shared interests, mounted under /network/."""

from django.urls import path

from guanxi.network.suggestions import views

urlpatterns = [
    path("suggestions/", views.suggestions_page, name="network_suggestions"),
    path(
        "suggestions/<int:user_id>/dismiss/",
        views.dismiss,
        name="network_suggestion_dismiss",
    ),
    path("shared/", views.shared, name="network_shared"),
    # A tag's key or name; <path:> because a tag may contain "/" (CI/CD).
    path("tags/<path:tag>/", views.tag_members, name="network_tag_members"),
]
