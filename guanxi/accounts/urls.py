from django.urls import include, path

from guanxi.accounts import views

urlpatterns = [
    path("settings/", include("guanxi.accounts.settings.urls")),
    path("@<str:handle>/", views.profile_detail, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/edit/photo/remove/", views.profile_photo_remove, name="profile_photo_remove"),
    path(
        "profile/edit/experience/add/",
        views.entry_add,
        {"kind": "experience"},
        name="profile_experience_add",
    ),
    path(
        "profile/edit/experience/<int:entry_id>/",
        views.entry_edit,
        {"kind": "experience"},
        name="profile_experience_edit",
    ),
    path(
        "profile/edit/experience/<int:entry_id>/delete/",
        views.entry_delete,
        {"kind": "experience"},
        name="profile_experience_delete",
    ),
    path(
        "profile/edit/education/add/",
        views.entry_add,
        {"kind": "education"},
        name="profile_education_add",
    ),
    path(
        "profile/edit/education/<int:entry_id>/",
        views.entry_edit,
        {"kind": "education"},
        name="profile_education_edit",
    ),
    path(
        "profile/edit/education/<int:entry_id>/delete/",
        views.entry_delete,
        {"kind": "education"},
        name="profile_education_delete",
    ),
    path("profile/edit/<slug:section>/", views.profile_edit_section, name="profile_edit_section"),
]
