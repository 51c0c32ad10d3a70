"""A shared city is a shared place (the gazetteer's), whatever language each member typed
it in; the reason names it in the reader's language and follows a move at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from guanxi.accounts.services import profile_update
from guanxi.network import services
from guanxi.network.affinity import affinity, load_traits, reasons
from guanxi.network.introductions import selectors as intro_selectors
from guanxi.network.introductions import services as intro
from guanxi.network.suggestions import selectors as served
from guanxi.network.suggestions import services as suggestions
from guanxi.places.selectors import place_id_for_text
from tests.factories import make_member
from tests.network.suggestion_helpers import link

pytestmark = pytest.mark.django_db


def _moved(user, city: str) -> None:
    profile_update(profile=user.profile, city=city)


def _shared_city(a, b) -> list[str]:
    traits = load_traits([a.pk, b.pk])
    return reasons(affinity(traits[a.pk], traits[b.pk]))


@pytest.fixture
def pair():
    """Mei typed 上海, Tom typed Shanghai: one place."""
    mei = make_member("mei", display_name="Mei", city="上海")
    tom = make_member("tom", display_name="Tom", city="Shanghai")
    return mei, tom


def test_the_two_spellings_are_one_place(pair):
    mei, tom = pair
    assert mei.profile.place_id == tom.profile.place_id == place_id_for_text("沪")
    assert mei.profile.city != tom.profile.city  # what they typed is kept as typed


def test_a_city_typed_in_two_languages_is_shared_and_named_in_the_readers_language(pair):
    mei, tom = pair
    with translation.override("en"):
        assert _shared_city(mei, tom) == ["both in Shanghai"]
        assert _shared_city(tom, mei) == ["both in Shanghai"]
    with translation.override("zh-hans"):
        assert _shared_city(mei, tom) == ["都在 上海"]


def test_members_without_a_place_share_no_city():
    # Neither a blank city nor the same text the gazetteer does not know makes a match.
    blank_a, blank_b = make_member("blanka"), make_member("blankb")
    nowhere_a = make_member("nowherea", city="Qwertzhausen")
    nowhere_b = make_member("nowhereb", city="Qwertzhausen")
    assert nowhere_a.profile.place_id is None
    assert _shared_city(blank_a, blank_b) == []
    assert _shared_city(nowhere_a, nowhere_b) == []
    assert _shared_city(nowhere_a, blank_a) == []


def test_a_hidden_location_is_not_a_reason(pair):
    mei, tom = pair
    profile_update(profile=tom.profile, visibility={"location": "connections"})
    assert _shared_city(mei, tom) == []


def test_suggestion_card_states_the_place_in_the_viewers_language(pair, login):
    mei, tom = pair
    friend = make_member("friend")
    link(mei, friend)
    link(tom, friend)
    suggestions.refresh_member(mei.pk)
    with translation.override("en"):
        (card,) = served.suggestions_for(mei)
        assert card.member.id == tom.pk
        assert card.reasons == ["1 mutual connection", "both in Shanghai"]
    client = login(mei)
    html = client.get(reverse("network_suggestions"), headers={"Accept-Language": "zh-hans"})
    assert "都在 上海" in html.content.decode()


def test_the_city_reason_follows_a_move_at_once(pair, login):
    """Only the city makes Tom a suggestion for Mei: moving away drops the card at the
    next view (no recompute), moving back (typed another way) brings the reason back."""
    mei, tom = pair
    friend = make_member("friend")
    link(mei, friend)
    link(tom, friend)
    suggestions.refresh_member(mei.pk)
    client = login(mei)
    url = reverse("network_suggestions")
    assert "both in Shanghai" in client.get(url).content.decode()

    _moved(tom, "北京")
    assert "both in Shanghai" not in client.get(url).content.decode()
    assert "both in Beijing" not in client.get(url).content.decode()
    (card,) = served.suggestions_for(mei)
    assert card.reasons == ["1 mutual connection"]

    _moved(tom, "沪")
    (card,) = served.suggestions_for(mei)
    assert card.reasons == ["1 mutual connection", "both in Shanghai"]


def test_introduction_ideas_pair_a_city_typed_in_two_languages(pair):
    mei, tom = pair
    hub = make_member("hub")
    stranger = make_member("stranger", city="Beijing")
    for person in (mei, tom, stranger):
        services.connect_members(a=hub, b=person)
    with translation.override("en"):
        (idea,) = intro_selectors.introduction_ideas(user=hub)
        assert {idea.a.id, idea.b.id} == {mei.pk, tom.pk}
        assert idea.reasons == ["both in Shanghai"]
    with translation.override("zh-hans"):
        (idea,) = intro_selectors.introduction_ideas(user=hub)
        assert idea.reasons == ["都在 上海"]


def test_members_without_a_place_make_no_introduction_idea():
    hub = make_member("hub")
    for handle in ("blanka", "blankb"):
        services.connect_members(a=hub, b=make_member(handle))
    for handle in ("nowherea", "nowhereb"):
        services.connect_members(a=hub, b=make_member(handle, city="Qwertzhausen"))
    assert intro_selectors.introduction_ideas(user=hub) == []


def test_an_introductions_reason_follows_a_move_and_the_readers_language(pair, login):
    mei, tom = pair
    hub = make_member("hub")
    for person in (mei, tom):
        services.connect_members(a=hub, b=person)
    intro.introduction_create(introducer=hub, a_id=mei.pk, b_id=tom.pk, note="Meet!")
    url = reverse("network_introductions")
    client = login(mei)
    assert "both in Shanghai" in client.get(url).content.decode()
    zh = client.get(url, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "都在 上海" in zh
    _moved(tom, "Beijing")
    (item,) = intro_selectors.as_received(intro_selectors.received_queryset(user=mei), user=mei)
    assert item.reasons == []
    assert "both in" not in client.get(url).content.decode()


def test_places_add_no_query_to_a_page_of_introductions(pair, login):
    """The places' names come with the profiles (a join): as many queries for a page of
    introductions between members with places as between members without."""
    hub = make_member("hub")
    client = login(hub)
    url = f"{reverse('network_introductions')}?show=made"

    def made(people) -> int:
        for a, b in zip(people[::2], people[1::2], strict=True):
            for person in (a, b):
                services.connect_members(a=hub, b=person)
            intro.introduction_create(introducer=hub, a_id=a.pk, b_id=b.pk, note="Meet!")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    without = made([make_member(f"plain{i}") for i in range(2)])
    cities = ["上海", "Shanghai", "北京", "Beijing", "Shenzhen", "深圳"]
    with_places = made([make_member(f"placed{i}", city=city) for i, city in enumerate(cities)])
    assert with_places == without
