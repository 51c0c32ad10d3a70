"""The city filter across languages: "上海", "沪" and "Shanghai" are one place."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.directory import query_plan
from guanxi.directory.selectors import DirectoryFilters, directory_search
from tests.directory.conftest import ALL_PUBLIC, MEMBERS, member

pytestmark = pytest.mark.usefixtures("gazetteer", "db")


def handles(viewer, **filters) -> list[str]:
    result = directory_search(
        viewer=viewer, filters=DirectoryFilters(**filters), page=1, page_size=50
    )
    return sorted(card.handle for card in result.items)


@pytest.fixture
def city_people(db):
    member("wei", name="王伟", city="上海", **ALL_PUBLIC)
    member("anna", name="Anna Lee", city="Shanghai", **ALL_PUBLIC)
    member("hu", name="胡兰", city="沪", **ALL_PUBLIC)
    member("pudong", name="Pu Dong", city="Shanghai Pudong Riverside", **ALL_PUBLIC)
    member("bj", name="Bei Jing", city="北京", **ALL_PUBLIC)
    member("hidden", name="Hidden Han", city="Shanghai", vis_location=MEMBERS)


@pytest.mark.parametrize(
    ("city", "expected"),
    [
        # A known place, however it is written: its members, in either language, and
        # members whose city text starts with what was typed.
        ("上海", ["anna", "hu", "wei"]),
        ("沪", ["anna", "hu", "wei"]),
        ("上海市", ["anna", "hu", "wei"]),
        ("shanghai", ["anna", "hu", "pudong", "wei"]),
        # The start of a name still finds what members wrote.
        ("shang", ["anna", "pudong"]),
        ("北京", ["bj"]),
        ("beijing", ["bj"]),
        ("pudong riv", []),  # no place and no city that starts so
        ("shanghai pudong", ["pudong"]),
    ],
)
def test_a_city_matches_across_languages(city_people, city, expected):
    assert handles(AnonymousUser(), city=city) == expected


def test_the_sections_audience_still_applies(city_people, alice):
    assert "hidden" not in handles(AnonymousUser(), city="上海")
    assert "hidden" in handles(alice, city="上海")


def test_both_plans_agree_for_a_place(city_people, monkeypatch):
    """Driving from the place and city indexes, and walking the name index checking
    each row, find the same members."""
    driven = handles(AnonymousUser(), city="上海")
    monkeypatch.setattr(query_plan, "ROW_COST_ORDERED_SCAN", 0.0)  # always walk
    assert handles(AnonymousUser(), city="上海") == driven


def test_cards_show_the_city_in_the_viewers_language(city_people, client):
    english = client.get("/members/", {"city": "上海"}, headers={"Accept-Language": "en"})
    chinese = client.get("/members/", {"city": "Shanghai"}, headers={"Accept-Language": "zh-hans"})
    assert english.status_code == chinese.status_code == 200
    api = client.get("/api/v1/members", {"city": "沪"}, headers={"Accept-Language": "en"}).json()
    assert {item["handle"]: item["city"] for item in api["items"]} == {
        "anna": "Shanghai",
        "hu": "Shanghai",
        "wei": "Shanghai",
    }
    api = client.get("/api/v1/members", {"city": "沪"}, headers={"Accept-Language": "zh-hans"})
    assert {item["city"] for item in api.json()["items"]} == {"上海"}
    assert "上海" in chinese.content.decode() and "Shanghai" in english.content.decode()


def test_a_place_search_makes_no_query_per_card(city_people, client):
    client.get("/members/", {"city": "shanghai"})  # warm the planner's cached estimates
    with CaptureQueriesContext(connection) as one_card:
        client.get("/members/", {"city": "北京"})
    with CaptureQueriesContext(connection) as three_cards:
        client.get("/members/", {"city": "上海"})
    assert len(three_cards) == len(one_card)
