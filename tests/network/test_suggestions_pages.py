"""People you may know: the page, the home widget, dismissing, and the API."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.accounts.services import access_token_create
from guanxi.api.schemas import MemberCard
from guanxi.network import services
from guanxi.network.models import Dismissal
from guanxi.network.suggestions import services as suggestions
from guanxi.network.suggestions.api import SuggestionOut, SuggestionPage
from guanxi.network.suggestions.selectors import suggestions_for
from tests.factories import make_member
from tests.network.suggestion_helpers import link, members, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle(alice):
    """alice knows three friends; each of six others knows one or two of them."""
    friends = members("friend", 3)
    others = members("other", 6)
    for friend in friends:
        link(alice, friend)
    for i, person in enumerate(others):
        link(person, friends[i % 3])
        if i < 2:
            link(person, friends[(i + 1) % 3])
    tag(alice, "Edtech")
    tag(others[0], "edtech")
    return {"friends": friends, "others": others}


def test_page_shows_cards_with_reasons_and_buttons(alice, circle, login):
    suggestions.refresh_member(alice.pk)
    response = login(alice).get(reverse("network_suggestions"))
    assert response.status_code == 200
    html = response.content.decode()
    first = circle["others"][0]
    assert first.profile.display_name in html
    assert "2 mutual connections · both interested in #Edtech" in html
    assert f'name="user_id" value="{first.pk}"' in html
    assert reverse("network_connect") in html
    assert reverse("network_introduction_ask", kwargs={"user_id": first.pk}) in html
    assert reverse("network_suggestion_dismiss", kwargs={"user_id": first.pk}) in html
    # Friends are connections, not suggestions.
    assert circle["friends"][0].profile.display_name not in html


def test_page_query_count_is_flat(alice, login, django_assert_max_num_queries):
    client = login(alice)
    friends = members("friend", 5)
    for friend in friends:
        link(alice, friend)
    suggestions.refresh_member(alice.pk)
    client.get(reverse("network_suggestions"))
    # The candidates' cards are accounts' member_cards: one query for the page.
    with django_assert_max_num_queries(10):
        small = client.get(reverse("network_suggestions"))
    for i, person in enumerate(members("many", 25)):
        link(person, friends[i % 5])
        tag(person, f"topic{i % 3}")
    suggestions.refresh_member(alice.pk)
    with django_assert_max_num_queries(10):
        large = client.get(reverse("network_suggestions"))
    assert small.content.decode().count("suggestion-card") < large.content.decode().count(
        "suggestion-card"
    )
    assert (
        large.content.decode().count('class="card card-compact person-card suggestion-card"') == 25
    )


def test_page_without_precomputed_rows_computes_live(alice, circle, login):
    response = login(alice).get(reverse("network_suggestions"))
    assert circle["others"][0].profile.display_name in response.content.decode()


def test_empty_page_explains(alice, login):
    response = login(alice).get(reverse("network_suggestions"))
    assert response.status_code == 200
    assert "No suggestions right now" in response.content.decode()


def test_pages_need_login(client):
    for name in ("network_suggestions", "network_shared"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(reverse("network_suggestion_dismiss", kwargs={"user_id": 1}))
    assert response.status_code == 302 and "login" in response["Location"]


def test_dismiss_without_js_redirects_back(alice, circle, login):
    suggestions.refresh_member(alice.pk)
    client = login(alice)
    first = circle["others"][0]
    url = reverse("network_suggestion_dismiss", kwargs={"user_id": first.pk})
    response = client.post(url, {"next": "/network/suggestions/"})
    assert response.status_code == 302 and response["Location"] == "/network/suggestions/"
    assert Dismissal.objects.filter(user=alice, candidate=first).exists()
    page = client.get(reverse("network_suggestions")).content.decode()
    assert f'id="suggestion-{first.pk}"' not in page
    # An outside address is not followed.
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("network_suggestions")


def test_dismiss_with_htmx_removes_the_card_in_place(alice, circle, login):
    first = circle["others"][0]
    response = login(alice).post(
        reverse("network_suggestion_dismiss", kwargs={"user_id": first.pk}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response.content == b""
    assert Dismissal.objects.filter(user=alice, candidate=first).exists()


def test_dismiss_errors(alice, bob, login):
    client = login(alice)
    # htmx swaps only a 2xx: the card is answered in place, saying why.
    own = reverse("network_suggestion_dismiss", kwargs={"user_id": alice.pk})
    response = client.post(own, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="suggestion-{alice.pk}"' in html and "You cannot dismiss yourself." in html
    unknown = reverse("network_suggestion_dismiss", kwargs={"user_id": 999_999})
    response = client.post(unknown, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Member not found." in response.content.decode()
    response = client.post(unknown)  # without JS: back with a message
    assert response.status_code == 302
    assert (
        client.get(reverse("network_suggestion_dismiss", kwargs={"user_id": bob.pk})).status_code
        == 405
    )
    assert not Dismissal.objects.exists()


def test_widget_shows_the_top_three(alice, circle, rf: RequestFactory):
    suggestions.refresh_member(alice.pk)
    request = rf.get("/")
    request.user = alice
    html = Template('{% include "network/_suggestions_widget.html" %}').render(
        Context({"request": request, "suggestions": suggestions_for(alice, limit=3)})
    )
    assert html.count("suggestion-card") == 3
    assert circle["others"][0].profile.display_name in html
    assert reverse("network_suggestions") in html


def test_widget_is_empty_for_anonymous(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    html = Template('{% include "network/_suggestions_widget.html" %}').render(
        Context({"request": request})
    )
    assert html.strip() == ""


# --- API ----------------------------------------------------------------------------


def _api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def _bearer(user: User) -> dict:
    _token, secret = access_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_lists_suggestions_with_reasons(alice, circle, client):
    suggestions.refresh_member(alice.pk)
    response = client.get(_api("network_suggestions_list"), {"limit": 2}, **_bearer(alice))
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 2
    first = circle["others"][0]
    assert items[0]["member"]["id"] == first.pk
    assert items[0]["member"]["handle"] == first.username
    assert items[0]["reasons"] == ["2 mutual connections", "both interested in #Edtech"]
    assert items[0]["mutual_count"] == 2


def test_api_answer_is_its_schemas_dump(alice, circle, client):
    # The endpoint renders its schema's dump built by hand: the keys and their order must
    # be the schema's, the bytes those of ninja's renderer.
    suggestions.refresh_member(alice.pk)
    response = client.get(_api("network_suggestions_list"), **_bearer(alice))
    body = response.json()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == json.dumps(body).encode()
    assert list(body) == list(SuggestionPage.model_fields)
    item = body["items"][0]
    assert list(item) == list(SuggestionOut.model_fields)
    assert item["mutual_connections"]
    for card in (item["member"], *item["mutual_connections"]):
        assert list(card) == list(MemberCard.model_fields)
        assert card["url"].startswith("http://testserver/")


def test_api_needs_auth_and_valid_limit(alice, client):
    response = client.get(_api("network_suggestions_list"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    response = client.get(_api("network_suggestions_list"), {"limit": 0}, **_bearer(alice))
    assert response.status_code == 422 and "limit" in response.json()["error"]["fields"]
    response = client.get(_api("network_suggestions_list"), {"limit": 500}, **_bearer(alice))
    assert response.status_code == 422


def test_api_dismiss(alice, circle, bob, client):
    headers = _bearer(alice)
    first = circle["others"][0]
    url = _api("network_suggestions_dismiss", user_id=first.pk)
    response = client.post(url, **headers)
    assert response.status_code == 200
    assert response.json() == {"user_id": first.pk, "dismissed": True}
    assert client.post(url, **headers).status_code == 200  # idempotent
    listed = client.get(_api("network_suggestions_list"), **headers).json()["items"]
    assert first.pk not in [item["member"]["id"] for item in listed]

    own = client.post(_api("network_suggestions_dismiss", user_id=alice.pk), **headers)
    assert own.status_code == 422 and own.json()["error"]["code"] == "invalid"
    unknown = client.post(_api("network_suggestions_dismiss", user_id=999_999), **headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    services.block(blocker=bob, blocked_id=alice.pk)
    blocked = client.post(_api("network_suggestions_dismiss", user_id=bob.pk), **headers)
    assert blocked.status_code == 404  # a block looks like an unknown member


def test_api_dismiss_with_session_needs_csrf(alice, circle):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    first = circle["others"][0]
    response = client.post(_api("network_suggestions_dismiss", user_id=first.pk))
    assert response.status_code == 403
    assert not Dismissal.objects.exists()


def test_inactive_member_cannot_be_dismissed(alice, client):
    gone = make_member("gone")
    gone.is_active = False
    gone.save()
    response = client.post(_api("network_suggestions_dismiss", user_id=gone.pk), **_bearer(alice))
    assert response.status_code == 404


def test_home_shows_people_you_may_know(alice, circle, login):
    suggestions.refresh_member(alice.pk)
    home = login(alice).get("/").content.decode()
    assert "People you may know" in home
    assert circle["others"][0].profile.display_name in home


def test_card_buttons_carry_the_pages_token_and_escape_the_name(alice, circle, login):
    """{% suggestion_actions %}: both forms post the page's CSRF token, the name in the
    Dismiss label is escaped, "Get introduced" only with a mutual connection."""
    first = circle["others"][0]
    first.profile.display_name = 'Zoë <b>"Z"</b>'
    first.profile.save(update_fields=["display_name"])
    suggestions.refresh_member(alice.pk)
    html = login(alice).get("/").content.decode()
    card = html[html.index(f'id="suggestion-{first.pk}"') :].split("</li>", 1)[0]
    token = html.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    assert card.count(f'name="csrfmiddlewaretoken" value="{token}"') == 2
    assert 'aria-label="Dismiss Zoë &lt;b&gt;&quot;Z&quot;&lt;/b&gt;"' in card
    assert '<span class="face-stack" aria-hidden="true">' in card
    assert "Get introduced" in card
    assert '<input type="hidden" name="next" value="/">' in card
