"""Network pages and the POST actions behind profile buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.network import selectors, services
from guanxi.network.models import ConnectionRequest, PrivacySettings
from guanxi.notifications.models import Notification
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_pages_need_login(client):
    for name in ("network_connections", "network_invitations", "network_invitations_sent",
                 "network_followers", "network_following", "network_privacy", "notifications"):  # fmt: skip
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_connect_from_profile_then_accept_from_invitations(login, alice, bob):
    alice_client, bob_client = login(alice), login(bob)
    response = alice_client.post(
        reverse("network_connect"), {"user_id": bob.pk, "note": "Loved your talk", "next": "/@bob/"}
    )
    assert response.status_code == 302 and response["Location"] == "/@bob/"
    page = bob_client.get(reverse("network_invitations")).content.decode()
    assert "Loved your talk" in page and "Alice Chen" in page
    assert '<span class="nav-count">1</span>' in bob_client.get("/").content.decode()
    request = ConnectionRequest.objects.get()
    bob_client.post(reverse("network_invitation_action", args=[request.pk, "accept"]))
    assert selectors.are_connected(alice.pk, bob.pk)
    listing = alice_client.get(reverse("network_connections")).content.decode()
    assert "Bob Li" in listing


def test_htmx_connect_returns_the_panel(login, alice, bob):
    response = login(alice).post(
        reverse("network_connect"), {"user_id": bob.pk}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="relationship-{bob.pk}"' in body and "Pending" in body
    assert "<html" not in body


def test_bad_input_never_500(login, alice, bob):
    client = login(alice)
    assert client.post(reverse("network_connect"), {"user_id": "abc"}).status_code == 404
    assert client.post(reverse("network_connect"), {"user_id": 999999}).status_code == 302
    response = client.post(reverse("network_connect"), {"user_id": bob.pk, "note": "x" * 301})
    assert response.status_code == 302 and not ConnectionRequest.objects.exists()
    assert (
        client.post(reverse("network_invitation_action", args=[12345, "accept"])).status_code == 404
    )
    assert client.post(reverse("network_invitation_action", args=[1, "explode"])).status_code == 404
    assert client.get(reverse("network_connect")).status_code == 405
    assert (
        client.get(reverse("network_connections"), {"page": "abc", "sort": "nonsense"}).status_code
        == 200
    )


def test_htmx_invitation_actions_say_what_happened_in_place(login, alice, bob, carol):
    hx = {"HX-Request": "true"}
    request = services.connection_request_send(sender=alice, recipient_id=bob.pk).request
    url = reverse("network_invitation_action", args=[request.pk, "accept"])

    refused = login(carol).post(url, headers=hx)  # not hers: said in place, nothing shown of it
    assert refused.status_code == 200  # htmx swaps only 2xx answers
    body = refused.content.decode()
    assert f'id="invitation-{request.pk}"' in body and 'role="alert"' in body
    assert "Alice Chen" not in body and "Bob Li" not in body

    bob_client = login(bob)
    accepted = bob_client.post(url, headers=hx)
    body = accepted.content.decode()
    assert accepted.status_code == 200 and "<html" not in body
    assert f'<li class="invitation invitation-outcome" id="invitation-{request.pk}">' in body
    assert "Invitation accepted. You are now connected." in body and "Alice Chen" in body
    assert selectors.are_connected(alice.pk, bob.pk)
    assert not list(bob_client.get("/").context["messages"])  # no flash a page later

    again = bob_client.post(url, headers=hx).content.decode()
    assert 'role="alert"' in again and "Invitation accepted" not in again

    sent = services.connection_request_send(sender=alice, recipient_id=carol.pk).request
    withdraw = reverse("network_invitation_action", args=[sent.pk, "withdraw"])
    body = login(alice).post(withdraw, headers=hx).content.decode()
    assert "Invitation withdrawn." in body and "Carol" in body
    assert not ConnectionRequest.objects.filter(pk=sent.pk).exists()


def test_invitation_actions_belong_to_the_right_side(login, alice, bob, carol):
    request = services.connection_request_send(sender=alice, recipient_id=bob.pk).request
    login(carol).post(reverse("network_invitation_action", args=[request.pk, "accept"]))
    login(alice).post(reverse("network_invitation_action", args=[request.pk, "accept"]))
    assert not selectors.are_connected(alice.pk, bob.pk)
    login(bob).post(reverse("network_invitation_action", args=[request.pk, "withdraw"]))
    assert ConnectionRequest.objects.filter(pk=request.pk).exists()
    login(alice).post(reverse("network_invitation_action", args=[request.pk, "withdraw"]))
    assert not ConnectionRequest.objects.exists()


def test_connections_search_and_sort(login, connect, alice):
    zed = make_member("zed", display_name="Zed Young")
    amy = make_member("amy", display_name="Amy Adams")
    connect(alice, zed)
    connect(alice, amy)
    client = login(alice)
    by_name = client.get(reverse("network_connections")).content.decode()
    assert by_name.index("Amy Adams") < by_name.index("Zed Young")
    found = client.get(reverse("network_connections"), {"q": "zed"}).content.decode()
    assert "Zed Young" in found and "Amy Adams" not in found


def test_recent_sort_puts_newest_connection_first(login, connect, alice):
    first = make_member("first", display_name="Aaron First")
    second = make_member("second", display_name="Zoe Second")
    connect(alice, first)
    connect(alice, second)
    page = login(alice).get(reverse("network_connections"), {"sort": "recent"}).content.decode()
    assert page.index("Zoe Second") < page.index("Aaron First")


def test_connections_list_privacy_matrix(client, login, connect, alice, bob, carol):
    connect(alice, bob)
    url = reverse("network_member_connections", args=["alice"])
    assert client.get(url).status_code == 302  # anonymous: log in first
    assert login(carol).get(url).status_code == 200  # default: members
    services.privacy_update(
        user=alice, requests_from="everyone", connections_visible_to="connections"
    )
    assert login(carol).get(url).status_code == 403
    assert login(bob).get(url).status_code == 200
    services.privacy_update(user=alice, requests_from="everyone", connections_visible_to="only_me")
    assert login(bob).get(url).status_code == 403
    assert login(alice).get(url).status_code == 200


def test_blocked_member_sees_404_everywhere(login, connect, alice, bob):
    services.block(blocker=alice, blocked_id=bob.pk)
    assert login(bob).get(reverse("network_member_connections", args=["alice"])).status_code == 404
    assert login(alice).get(reverse("network_member_connections", args=["bob"])).status_code == 404
    privacy = login(alice).get(reverse("network_privacy")).content.decode()
    assert "Bob Li" in privacy


def test_block_and_unblock_through_pages(login, connect, alice, bob):
    connect(alice, bob)
    client = login(alice)
    assert client.post(reverse("network_block"), {"user_id": bob.pk})["Location"] == reverse(
        "network_privacy"
    )
    assert not selectors.are_connected(alice.pk, bob.pk)
    client.post(reverse("network_unblock"), {"user_id": bob.pk})
    assert not selectors.has_blocked(alice.pk, bob.pk)


def test_follow_pages(login, alice, bob):
    login(bob).post(reverse("network_follow"), {"user_id": alice.pk})
    assert "Bob Li" in login(alice).get(reverse("network_followers")).content.decode()
    assert "Alice Chen" in login(bob).get(reverse("network_following")).content.decode()
    login(bob).post(reverse("network_unfollow"), {"user_id": alice.pk})
    assert "Bob Li" not in login(alice).get(reverse("network_followers")).content.decode()


def test_privacy_form_saves_and_refuses_bad_values(login, alice):
    client = login(alice)
    client.post(
        reverse("network_privacy"), {"requests_from": "nobody", "connections_visible_to": "only_me"}
    )
    assert PrivacySettings.objects.get(user=alice).requests_from == "nobody"
    response = client.post(
        reverse("network_privacy"), {"requests_from": "aliens", "connections_visible_to": "x"}
    )
    assert (
        response.status_code == 200
        and PrivacySettings.objects.get(user=alice).requests_from == "nobody"
    )


def test_notifications_page_marks_read(login, alice, bob):
    services.connection_request_send(sender=bob, recipient_id=alice.pk)
    client = login(alice)
    page = client.get(reverse("notifications")).content.decode()
    assert "Bob Li wants to connect with you." in page
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_connections_page_query_count(login, connect, alice, django_assert_max_num_queries):
    for i in range(30):
        connect(alice, make_member(f"friend{i}"))
    client = login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("network_connections"))
    assert response.status_code == 200


def test_profile_shows_relationship_panel_and_degree(login, connect, alice, bob, carol):
    connect(alice, bob)
    connect(bob, carol)
    page = login(alice).get("/@carol/").content.decode()
    assert 'class="degree-badge"' in page and "2nd" in page
    assert "1 mutual connection" in page and "Connect" in page
    own = login(alice).get("/@alice/").content.decode()
    assert 'class="degree-badge"' not in own


def test_blocked_profiles_are_404_both_ways(client, login, alice, bob):
    services.block(blocker=alice, blocked_id=bob.pk)
    assert login(bob).get("/@alice/").status_code == 404
    assert login(alice).get("/@bob/").status_code == 404
    assert client.get("/@alice/").status_code == 200  # anonymous visitors are not affected
    assert login(bob).get("/api/v1/profiles/alice").status_code == 404


def test_connections_visibility_level_on_profile(login, connect, alice, bob, carol):
    from guanxi.accounts.models import Profile

    Profile.objects.filter(user=alice).update(
        about="Secret plans", about_html="<p>Secret plans</p>", vis_about=2
    )
    connect(alice, bob)
    assert "Secret plans" in login(bob).get("/@alice/").content.decode()
    assert "Secret plans" not in login(carol).get("/@alice/").content.decode()


def test_own_profile_links_to_network_discovery(login, alice, bob):
    own = login(alice).get("/@alice/").content.decode()
    assert reverse("network_shared") in own and reverse("network_suggestions") in own
    other = login(alice).get("/@bob/").content.decode()
    assert reverse("network_shared") not in other


def test_invitation_and_follow_pages_query_counts(login, alice, django_assert_max_num_queries):
    for i in range(25):
        other = make_member(f"asker{i}")
        services.connection_request_send(sender=other, recipient_id=alice.pk, note="hi")
        services.follow(follower=other, followee_id=alice.pk)
    client = login(alice)
    for name in ("network_invitations", "network_followers"):
        with django_assert_max_num_queries(10):
            page = client.get(reverse(name))
        assert page.status_code == 200 and "Asker24" in page.content.decode(), name


@pytest.mark.parametrize("size", [3, 25])
def test_invitations_and_blocked_lists_take_a_fixed_number_of_queries(
    login, alice, size, django_assert_num_queries
):
    """Each list shows its members with the one card, built for the page in one batch."""
    for i in range(size):
        asker, invited, blocked = (
            make_member(f"{role}{i}") for role in ("asker", "invited", "blocked")
        )
        services.connection_request_send(sender=asker, recipient_id=alice.pk, note="hi")
        services.connection_request_send(sender=alice, recipient_id=invited.pk)
        services.block(blocker=alice, blocked_id=blocked.pk)
    client = login(alice)
    # Session, user, the count and the page's rows, the cards (blocks, profiles, skills),
    # the nav's notification count. The privacy page reads its settings instead of the
    # blocks (its own block list keeps blocked members).
    for name, expected, shown in (
        ("network_invitations", 8, "Asker"),
        ("network_invitations_sent", 8, "Invited"),
        ("network_privacy", 8, "Blocked"),
    ):
        client.get(reverse(name))  # warm the session
        with django_assert_num_queries(expected):
            page = client.get(reverse(name))
        html = page.content.decode()
        assert page.status_code == 200, name
        assert html.count("person-card") == min(size, 24), name
        assert f"{shown}{size - 1}" in html, name


def test_htmx_refusal_is_written_in_the_panel(login, alice, bob):
    services.privacy_update(user=bob, requests_from="nobody", connections_visible_to="members")
    client = login(alice)
    response = client.post(
        reverse("network_connect"), {"user_id": bob.pk}, headers={"HX-Request": "true"}
    )
    # htmx swaps only 2xx answers: the refusal travels inside the panel it replaces.
    body = response.content.decode()
    assert response.status_code == 200 and f'id="relationship-{bob.pk}"' in body
    assert "not accepting connection requests from you" in body and 'role="alert"' in body
    assert not ConnectionRequest.objects.exists()
    # Said once, in place: no flash message left over for the next page.
    assert "not accepting connection requests" not in client.get("/").content.decode()


def test_home_counts_every_invitation_waiting_and_shows_the_newest_three(bob, login):
    senders = [make_member(f"sender{i}") for i in range(5)]
    for sender in senders:
        services.connection_request_send(sender=sender, recipient_id=bob.pk)
    gone = senders[0]
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    items, count = selectors.invitations_waiting(bob, limit=3)
    assert count == 4  # the deactivated sender's invitation is out of sight
    assert [item.member.id for item in items] == [s.pk for s in reversed(senders[2:])]
    assert selectors.invitations_waiting(senders[1], limit=3) == ([], 0)
    html = login(bob).get("/").content.decode()
    assert "4 invitations waiting for you" in html
    assert html.count('class="invitation"') == 3
