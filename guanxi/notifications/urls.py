from django.urls import path

from guanxi.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    # In the settings menu (the settings.nav slot), with the settings pages' frame.
    path("settings/", views.email_preferences, name="notification_settings"),
    path("unsubscribe/undo/", views.unsubscribe_undo, name="notifications_unsubscribe_undo"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications_unsubscribe"),
]
