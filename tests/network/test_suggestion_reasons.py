"""What a suggestion card states is true when it is shown: mutual connections, their
faces and the shared tags are counted at view time, not when the list was computed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.accounts.models import ProfileTag
from guanxi.accounts.services import access_token_create
from guanxi.network import services
from guanxi.network.models import Suggestion
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


def _stored(viewer, candidate) -> int:
    return Suggestion.objects.get(user=viewer, candidate=candidate).mutual_count


def _api_items(client, user) -> dict[int, dict]:
    _token, secret = access_token_create(user=user, name="test")
    response = client.get(
        reverse("api:network_suggestions_list"), HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    return {item["member"]["id"]: item for item in response.json()["items"]}


def _card(html: str, user) -> str:
    start = html.index(f'id="suggestion-{user.pk}"')
    return html[start : html.index("</li>", start)]


def test_counts_and_faces_are_exact_right_after_a_removal(
    alice, web, login, client, django_capture_on_commit_callbacks
):
    friends, pair, trio = web["friends"], web["pair"], web["trio"]
    before = _api_items(client, alice)[trio.pk]
    assert before["mutual_count"] == 3
    # Two faces: the shared connections with the lowest ids.
    assert [face["id"] for face in before["mutual_connections"]] == [f.pk for f in friends[:2]]
    # friend 0 drops both of alice's candidates. The graph hook refreshes friend 0
    # and the candidates at once; alice is only marked stale, her rows keep 2 and 3.
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(user=friends[0], other_id=pair.pk)
        services.connection_remove(user=friends[0], other_id=trio.pk)
    assert (_stored(alice, pair), _stored(alice, trio)) == (2, 3)

    html = login(alice).get(reverse("network_suggestions")).content.decode()
    card = _card(html, pair)
    assert "1 mutual connection · both interested in #Edtech" in card
    assert friends[1].profile.display_name[0] in card and card.count('class="avatar') == 2
    card = _card(html, trio)
    assert "2 mutual connections" in card and "3 mutual" not in card
    # Faces: the two who are still mutual connections, and nobody else.
    faces = {face["id"] for face in _api_items(client, alice)[trio.pk]["mutual_connections"]}
    assert faces == {friends[1].pk, friends[2].pk}

    items = _api_items(client, alice)
    assert items[pair.pk]["mutual_count"] == 1
    assert items[pair.pk]["reasons"] == ["1 mutual connection", "both interested in #Edtech"]
    assert [face["id"] for face in items[pair.pk]["mutual_connections"]] == [friends[1].pk]
    assert items[trio.pk]["mutual_count"] == 2


def test_a_suggestion_left_with_another_reason_keeps_it_and_drops_the_count(
    alice, web, login, client
):
    friends, pair = web["friends"], web["pair"]
    services.connection_remove(user=pair, other_id=friends[0].pk)
    services.connection_remove(user=pair, other_id=friends[1].pk)
    assert _stored(alice, pair) == 2
    card = _card(login(alice).get(reverse("network_suggestions")).content.decode(), pair)
    assert "mutual" not in card and "both interested in #Edtech" in card
    assert "Get introduced" not in card  # nobody left to introduce them
    assert "face-stack" not in card
    item = _api_items(client, alice)[pair.pk]
    assert item["mutual_count"] == 0 and item["mutual_connections"] == []
    assert item["reasons"] == ["both interested in #Edtech"]


def test_a_suggestion_whose_only_reason_vanished_is_not_shown(alice, web, login, client):
    friends, pair, lone = web["friends"], web["pair"], web["lone"]
    # lone's only reason was friend 3; pair's were two friends and a shared tag.
    services.connection_remove(user=lone, other_id=friends[3].pk)
    services.connection_remove(user=pair, other_id=friends[0].pk)
    services.connection_remove(user=pair, other_id=friends[1].pk)
    ProfileTag.objects.filter(profile=pair.profile).delete()  # the tag removed, too
    html = login(alice).get(reverse("network_suggestions")).content.decode()
    assert f'id="suggestion-{lone.pk}"' not in html
    assert f'id="suggestion-{pair.pk}"' not in html
    assert f'id="suggestion-{web["trio"].pk}"' in html
    assert set(_api_items(client, alice)) == {web["trio"].pk}
    # The rows are still stored (the refresh comes later); only the page is honest.
    assert Suggestion.objects.filter(user=alice, candidate=lone).exists()


def test_a_removed_shared_tag_is_no_longer_stated(alice, web, login):
    pair = web["pair"]
    ProfileTag.objects.filter(profile=pair.profile).delete()
    card = _card(login(alice).get(reverse("network_suggestions")).content.decode(), pair)
    assert "2 mutual connections" in card and "Edtech" not in card


def test_spare_rows_fill_in_for_suggestions_that_lost_every_reason(alice, web, login):
    friends = web["friends"]
    extra = members("extra", 4)
    for person in extra:
        link(person, friends[2])
    suggestions.refresh_member(alice.pk)
    services.connection_remove(user=web["lone"], other_id=friends[3].pk)
    cards = served.suggestions_for(alice, limit=5)
    shown = [card.member.id for card in cards]
    assert len(cards) == 5 and web["lone"].pk not in shown


def test_one_query_counts_the_mutual_connections_of_a_whole_page(alice, web, login):
    """Page and API: the same number of queries for one card as for thirty, and a
    single one of them reads the mutual connections."""
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
    assert sum("GROUP BY candidate" in sql for sql in many) == 1
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
    assert sum("GROUP BY candidate" in q["sql"] for q in large.captured_queries) == 1
