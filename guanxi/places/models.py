"""Canonical places: GeoNames cities with their English and Chinese names.

A member writes a city as free text; when the text names a known place the profile
links to it, so "上海", "沪" and "shanghai" are one place, shown in the viewer's language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

KEY_MAX = 200


def localized_name(name_en: str, name_zh: str) -> str:
    """The name for the active language: Chinese for zh-* when there is one."""
    if name_zh and (get_language() or "").lower().startswith("zh"):
        return name_zh
    return name_en


class Place(models.Model):
    """A city from the GeoNames gazetteer; its GeoNames id is its key."""

    geonames_id = models.PositiveIntegerField(_("GeoNames id"), primary_key=True)
    name_en = models.CharField(_("English name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    country_code = models.CharField(_("country code"), max_length=2)
    population = models.PositiveBigIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return f"{self.name_en}, {self.country_code}"

    @property
    def name(self) -> str:
        return localized_name(self.name_en, self.name_zh)


class PlaceName(models.Model):
    """One way of writing a place, as a search key (normalize_text of the name).

    Rank orders the places one key can mean: a place's own names (English, Chinese)
    come before another place's alias ("Victoria" is Victoria, BC before it is an old
    name of Hong Kong); within a rank the more populous place wins.
    """

    class Rank(models.IntegerChoices):
        NAME = 0, _("name")
        ALIAS = 1, _("alias")

    # No index of its own: lookups go by key (the unique index below starts with it),
    # and places are only ever removed all at once. No database-level foreign key either:
    # only `gazetteer.load` writes these rows, from the same rows as their places, and
    # SQLite re-checks every foreign key in the file at the end of each later migration
    # (PRAGMA foreign_key_check), which over 165,000 names made a fresh database's
    # migrate seconds slower. Deleting a place still deletes its names (Django's CASCADE).
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        related_name="names",
        db_index=False,
        db_constraint=False,
    )
    key = models.CharField(max_length=KEY_MAX)
    rank = models.PositiveSmallIntegerField(choices=Rank.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "place"], name="placename_unique"),
        ]
