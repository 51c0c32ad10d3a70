"""Which place a text names, and what is suggested while typing."""

from __future__ import annotations

import pytest
from django.utils import translation

from guanxi.places.models import Place
from guanxi.places.selectors import place_id_for_text, suggest

pytestmark = pytest.mark.usefixtures("gazetteer", "db")


def _id(name_en: str, country: str) -> int:
    return Place.objects.get(name_en=name_en, country_code=country).pk


@pytest.mark.parametrize(
    "text",
    [
        "Shanghai",
        "shanghai",
        "  SHANGHAI ",
        "上海",
        "上海市",
        "沪",
        "Shanghai, China",
        "Shanghai City",
    ],
)
def test_every_common_way_of_writing_shanghai_names_it(text):
    assert place_id_for_text(text) == _id("Shanghai", "CN")


def test_a_name_beats_an_alias_and_the_bigger_namesake_wins():
    # "Victoria" is an old name of Hong Kong, but first of all the name of cities.
    victoria = Place.objects.get(pk=place_id_for_text("Victoria"))
    assert victoria.name_en == "Victoria"
    assert victoria.population == max(
        Place.objects.filter(name_en="Victoria").values_list("population", flat=True)
    )
    assert place_id_for_text("Suzhou") == Place.objects.get(name_zh="苏州").pk
    assert place_id_for_text("London") == _id("London", "GB")
    assert place_id_for_text("New York") == _id("New York City", "US")
    assert place_id_for_text("紐約") == place_id_for_text("纽约") == _id("New York City", "US")


@pytest.mark.parametrize("text", ["", "   ", "Atlantis-under-the-sea", "x" * 500, "上海\x00"])
def test_unknown_or_odd_text_names_no_place(text):
    assert place_id_for_text(text) is None


def test_suggestions_start_with_the_text_and_put_names_first():
    assert [p.name_en for p in suggest("shangh")][:1] == ["Shanghai"]
    assert suggest("上")[0].name_en == "Shanghai"
    assert suggest("s") == []  # one Latin letter suggests nothing useful
    assert [p.name_en for p in suggest("Singap")][:1] == ["Singapore"]
    assert len(suggest("sa")) == 8


def test_a_place_shows_its_name_in_the_active_language():
    shanghai = Place.objects.get(pk=_id("Shanghai", "CN"))
    with translation.override("zh-hans"):
        assert shanghai.name == "上海"
    with translation.override("en"):
        assert shanghai.name == "Shanghai"
