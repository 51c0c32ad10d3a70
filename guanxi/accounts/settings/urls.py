from django.urls import path

from guanxi.accounts.settings import views as settings_views

urlpatterns = [
    path("", settings_views.settings_index, name="settings"),
    path("tokens/", settings_views.tokens_page, name="settings_tokens"),
    path(
        "tokens/<int:token_id>/revoke/",
        settings_views.token_revoke,
        name="settings_token_revoke",
    ),
    path("tokens/revoke-all/", settings_views.tokens_revoke_all, name="settings_tokens_revoke_all"),
    path("delete/", settings_views.account_delete_page, name="settings_delete"),
]
