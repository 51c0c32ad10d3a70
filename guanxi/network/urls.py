from django.urls import include, path

from guanxi.network import views

urlpatterns = [
    path("", views.connections, name="network_connections"),
    path("invitations/", views.invitations, name="network_invitations"),
    path("invitations/sent/", views.invitations_sent, name="network_invitations_sent"),
    path(
        "invitations/<int:request_id>/<str:action>/",
        views.invitation_action,
        name="network_invitation_action",
    ),
    path("followers/", views.followers, name="network_followers"),
    path("following/", views.following, name="network_following"),
    path("privacy/", views.privacy, name="network_privacy"),
    path("connect/", views.connect, name="network_connect"),
    path("remove/", views.remove_connection, name="network_remove"),
    path("follow/", views.follow, name="network_follow"),
    path("unfollow/", views.unfollow, name="network_unfollow"),
    path("block/", views.block, name="network_block"),
    path("unblock/", views.unblock, name="network_unblock"),
    path(
        "members/<str:handle>/connections/",
        views.member_connections,
        name="network_member_connections",
    ),
    path("", include("guanxi.network.introductions.urls")),
    path("", include("guanxi.network.suggestions.urls")),
]
