from django.urls import path

from guanxi.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("unsubscribe/undo/", views.unsubscribe_undo, name="notifications_unsubscribe_undo"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications_unsubscribe"),
]

# Mounted under /settings/ next to the account's settings pages.
settings_urlpatterns = [
    path("", views.email_preferences, name="notification_settings"),
]
