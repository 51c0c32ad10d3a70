"""What a suggestion card states when it is shown: the mutual-connection count stored by
the last computation of the viewer's list, the faces stored with it only while they are
still true (a face that is wrong now is never shown), and reasons from the profiles as
they are now."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.accounts.models import ProfileTag
from guanxi.accounts.services import access_token_create
from guanxi.network import services
from guanxi.network.models import Block, Suggestion
from guanxi.network.suggestions import selectors as served
from guanxi.network.suggestions import services as suggestions
from tests.network.suggestion_helpers import link, members, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(alice):
    """alice knows four friends. `pair` knows friends 0 and 1 and shares alice's
    interest; `trio` knows friends 0, 1 and 2; `lone` knows friend 3 only."""
    friends = members("friend", 4)
    for friend in friends:
        link(alice, friend)
    pair, trio, lone = members("pair", 1)[0], members("trio", 1)[0], members("lone", 1)[0]
    for person, known in ((pair, friends[:2]), (trio, friends[:3]), (lone, friends[3:])):
        for friend in known:
            link(person, friend)
    tag(alice, "Edtech")
    tag(pair, "edtech")
    suggestions.refresh_member(alice.pk)
    return {"friends": friends, "pair": pair, "trio": trio, "lone": lone}


def _stored(viewer, candidate) -> tuple[int, int | None, int | None]:
    row = Suggestion.objects.get(user=viewer, candidate=candidate)
    return row.mutual_count, row.face_1_id, row.face_2_id


def _api_items(client, user) -> dict[int, dict]:
    _token, secret = access_token_create(user=user, name="test")
    response = client.get(
        reverse("api:network_suggestions_list"), HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    return {item["member"]["id"]: item for item in response.json()["items"]}


def _faces(client, user, candidate) -> list[int]:
    return [face["id"] for face in _api_items(client, user)[candidate.pk]["mutual_connections"]]


def _card(html: str, user) -> str:
    start = html.index(f'id="suggestion-{user.pk}"')
    return html[start : html.index("</li>", start)]


def _refresh_asked(user) -> bool:
    return cache.get(f"suggestions-refresh:{user.pk}") is not None


def test_a_refresh_stores_the_count_and_the_first_two_faces(alice, web):
    friends = web["friends"]
    assert _stored(alice, web["trio"]) == (3, friends[0].pk, friends[1].pk)
    assert _stored(alice, web["pair"]) == (2, friends[0].pk, friends[1].pk)
    assert _stored(alice, web["lone"]) == (1, friends[3].pk, None)


def test_cards_show_the_stored_count_and_faces(alice, web, login, client):
    friends, trio = web["friends"], web["trio"]
    html = login(alice).get(reverse("network_suggestions")).content.decode()
    card = _card(html, trio)
    assert "3 mutual connections" in card and card.count('class="avatar avatar-small"') == 2
    item = _api_items(client, alice)[trio.pk]
    assert item["mutual_count"] == 3
    assert [face["id"] for face in item["mutual_connections"]] == [f.pk for f in friends[:2]]
    assert item["mutual_connections"][0]["handle"] == friends[0].username
    assert not _refresh_asked(alice)


def test_a_face_that_left_the_candidate_is_never_shown(
    alice, web, login, client, django_capture_on_commit_callbacks
):
    friends, pair, trio = web["friends"], web["pair"], web["trio"]
    # friend 0 drops both of alice's candidates: the hook refreshes friend 0 and them,
    # and marks alice stale; her rows still hold the counts and faces of before.
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(user=friends[0], other_id=pair.pk)
        services.connection_remove(user=friends[0], other_id=trio.pk)
    assert _stored(alice, trio) == (3, friends[0].pk, friends[1].pk)

    html = login(alice).get(reverse("network_suggestions")).content.decode()
    # The count is the stored one until the refresh; the face is checked now.
    card = _card(html, pair)
    assert "2 mutual connections · both interested in #Edtech" in card
    assert card.count('class="avatar avatar-small"') == 1
    assert _faces(client, alice, trio) == [friends[1].pk]
    assert _faces(client, alice, pair) == [friends[1].pk]
    assert _refresh_asked(alice)

    # The refresh (the worker's task) brings the count and the faces up to date.
    suggestions.refresh_member(alice.pk)
    assert _stored(alice, trio) == (2, friends[1].pk, friends[2].pk)
    items = _api_items(client, alice)
    assert items[pair.pk]["mutual_count"] == 1
    assert items[pair.pk]["reasons"] == ["1 mutual connection", "both interested in #Edtech"]
    assert _faces(client, alice, trio) == [friends[1].pk, friends[2].pk]


def test_a_face_the_viewer_disconnected_from_is_never_shown(alice, web, client):
    friends, trio = web["friends"], web["trio"]
    # Without the hook's refresh (the worker is behind): the check alone hides it.
    services.connection_remove(user=alice, other_id=friends[0].pk)
    assert _stored(alice, trio)[1] == friends[0].pk
    assert _faces(client, alice, trio) == [friends[1].pk]
    assert _refresh_asked(alice)


@pytest.mark.parametrize("who_blocks", ["viewer", "face"])
def test_a_blocked_face_is_never_shown(alice, web, client, who_blocks):
    friends, trio = web["friends"], web["trio"]
    me, face = alice, friends[1]
    blocker, blocked = (me, face) if who_blocks == "viewer" else (face, me)
    services.block(blocker=blocker, blocked_id=blocked.pk)
    assert _faces(client, alice, trio) == [friends[0].pk]


@pytest.mark.parametrize("who_blocks", ["viewer", "face"])
def test_a_block_alone_hides_a_face(alice, web, client, who_blocks):
    """The block is checked in its own right, not only through the connection it
    removes (a block row written without the service, as an import might)."""
    friends, trio = web["friends"], web["trio"]
    me, face = alice, friends[0]
    blocker, blocked = (me, face) if who_blocks == "viewer" else (face, me)
    Block.objects.create(blocker=blocker, blocked=blocked)
    assert _faces(client, alice, trio) == [friends[1].pk]


def test_a_deactivated_face_is_not_shown(alice, web, client):
    friends, trio = web["friends"], web["trio"]
    friends[0].is_active = False
    friends[0].save(update_fields=["is_active"])
    assert _faces(client, alice, trio) == [friends[1].pk]
    # A refresh would pick the same face (the count includes it): none is asked for.
    assert not _refresh_asked(alice)


def test_a_refresh_that_read_the_graph_before_a_removal_is_corrected(
    alice, web, client, django_capture_on_commit_callbacks
):
    """A refresh reads the graph, a connection goes, and the refresh stores what it read
    after the hook marked alice stale (and so clears the mark): the stored face is wrong.
    The check hides it and asks for another refresh, which puts it right."""
    friends, trio = web["friends"], web["trio"]
    ranked = served.live_suggestions(alice.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(user=friends[0], other_id=trio.pk)
    suggestions.store_suggestions(alice.pk, ranked)
    assert _stored(alice, trio) == (3, friends[0].pk, friends[1].pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert _faces(client, alice, trio) == [friends[1].pk]
    assert _stored(alice, trio) == (2, friends[1].pk, friends[2].pk)


def test_a_suggestion_whose_only_reason_vanished_is_not_shown(alice, web, login, client):
    pair = web["pair"]
    # The stored count still gives pair a reason until the refresh; the tag is gone now.
    ProfileTag.objects.filter(profile=pair.profile).delete()
    card = _card(login(alice).get(reverse("network_suggestions")).content.decode(), pair)
    assert "2 mutual connections" in card and "Edtech" not in card
    # Nobody in common any more, stored so by a refresh, and no tag: no reason left.
    for friend in web["friends"][:2]:
        services.connection_remove(user=pair, other_id=friend.pk)
    suggestions.refresh_member(alice.pk)
    assert not Suggestion.objects.filter(user=alice, candidate=pair).exists()
    assert pair.pk not in _api_items(client, alice)


def test_a_suggestion_left_with_only_a_count_by_a_stale_row_is_not_shown_without_reasons(
    alice, web, login
):
    """A stored row whose count is 0 and whose shared tag is gone says nothing true:
    hidden, and the list is refreshed."""
    pair = web["pair"]
    Suggestion.objects.filter(user=alice, candidate=pair).update(
        mutual_count=0, face_1=None, face_2=None
    )
    ProfileTag.objects.filter(profile=pair.profile).delete()
    html = login(alice).get(reverse("network_suggestions")).content.decode()
    assert f'id="suggestion-{pair.pk}"' not in html
    assert f'id="suggestion-{web["trio"].pk}"' in html
    assert _refresh_asked(alice)


def test_spare_rows_fill_in_for_suggestions_that_lost_every_reason(alice, web):
    extra = members("extra", 4)
    for person in extra:
        link(person, web["friends"][2])
    suggestions.refresh_member(alice.pk)
    pair = web["pair"]
    Suggestion.objects.filter(user=alice, candidate=pair).update(mutual_count=0)
    ProfileTag.objects.filter(profile=pair.profile).delete()
    cards = served.suggestions_for(alice, limit=5)
    shown = [card.member.id for card in cards]
    assert len(cards) == 5 and pair.pk not in shown


def test_no_query_counts_mutual_connections_when_shown(alice, web, login):
    """Page and API: the same queries for one card as for thirty, none of them walking
    the candidates' connections (the faces are checked in the query that reads the
    stored rows)."""
    client = login(alice)
    client.get(reverse("network_suggestions"))

    def page_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("network_suggestions")).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    few = page_queries()
    for i, person in enumerate(members("many", 30)):
        link(person, web["friends"][i % 4])
        link(person, web["friends"][(i + 1) % 4])
    suggestions.refresh_member(alice.pk)
    many = page_queries()
    assert len(many) == len(few)
    assert not any("GROUP BY" in sql for sql in many)
    html = client.get(reverse("network_suggestions")).content.decode()
    assert html.count('class="card card-compact person-card suggestion-card"') == 30

    _token, secret = access_token_create(user=alice, name="count")
    url = reverse("api:network_suggestions_list")
    client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")  # the token's first use is noted
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"limit": 1}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"limit": 30}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert len(response.json()["items"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)
    assert not any("GROUP BY" in q["sql"] for q in large.captured_queries)
