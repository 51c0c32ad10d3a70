"""Profiles and experience entries link to the place their text names, and show it in
the viewer's language; existing rows were linked by a data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from guanxi.accounts import services
from guanxi.accounts.models import Experience, Profile
from guanxi.places.models import Place
from tests.factories import fill_profile, make_member

pytestmark = pytest.mark.usefixtures("gazetteer", "db")


@pytest.fixture
def shanghai() -> Place:
    return Place.objects.get(name_en="Shanghai", country_code="CN")


def test_saving_a_city_links_its_place_and_keeps_the_text(alice, shanghai):
    profile = fill_profile(alice, city="沪")
    assert (profile.city, profile.place_id) == ("沪", shanghai.pk)
    profile = fill_profile(alice, city="Pudong Riverside")  # not in the gazetteer
    assert (profile.city, profile.place_id) == ("Pudong Riverside", None)
    assert Profile.objects.get(pk=alice.pk).place_id is None
    fill_profile(alice, city="上海")
    fill_profile(alice, city="")
    assert Profile.objects.get(pk=alice.pk).place_id is None


def test_the_profile_page_shows_the_city_in_the_viewers_language(alice, bob, login, shanghai):
    fill_profile(alice, city="上海")  # members see the location by default
    client = login(bob)
    english = client.get("/@alice/", headers={"Accept-Language": "en"}).content.decode()
    chinese = client.get("/@alice/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert ">Shanghai</a>" in english and ">上海</a>" not in english
    assert ">上海</a>" in chinese
    # The link searches the directory for the place, in the language shown.
    assert "?city=Shanghai" in english


def test_the_api_gives_the_localised_city_and_the_place_id(alice, bob, login, shanghai):
    fill_profile(alice, city="shanghai")
    client = login(bob)
    location = client.get("/api/v1/profiles/alice", headers={"Accept-Language": "zh-hans"})
    assert location.json()["location"] == {"city": "上海", "country": "", "place_id": shanghai.pk}


def test_experience_locations_link_too(alice, login, shanghai):
    entry = services.experience_create(
        profile=alice.profile,
        data={"company": "Kunlun", "title": "Engineer", "location": "上海市", "start_year": 2020},
    )
    assert entry.place_id == shanghai.pk
    services.experience_update(experience=entry, data={"location": "Pudong Riverside"})
    assert Experience.objects.get(pk=entry.pk).place_id is None
    services.experience_update(experience=entry, data={"location": "Shanghai"})
    page = login(alice).get("/@alice/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "· 上海" in page


def test_the_data_migration_links_rows_written_before_places(alice, bob, shanghai):
    fill_profile(alice, city="上海")
    fill_profile(bob, city="Nowhere-in-particular")
    carol = make_member("carol", city="Shanghai")
    entry = Experience.objects.create(
        profile=carol.profile, company="K", title="T", location="沪", start_year=2020
    )
    Profile.objects.update(place=None)
    Experience.objects.update(place=None)
    migration = importlib.import_module("guanxi.accounts.migrations.0004_resolve_places")
    migration.resolve_places(apps, None)
    places = dict(Profile.objects.values_list("user__username", "place_id"))
    assert places == {"alice": shanghai.pk, "bob": None, "carol": shanghai.pk}
    assert Experience.objects.get(pk=entry.pk).place_id == shanghai.pk


def test_the_editor_offers_places_while_typing(alice, login):
    page = login(alice).get("/profile/edit/").content.decode()
    assert 'list="id_location_city-places"' in page
    assert '<datalist id="id_location_city-places"></datalist>' in page
    assert 'hx-get="/places/suggest/"' in page
