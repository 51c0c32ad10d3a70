"""Avatar initials come from one script: never "M陈"."""

from __future__ import annotations

import pytest

from guanxi.accounts.models import initials_of
from tests.directory.conftest import member


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Mei 陈", "陈"),  # the mix that once gave "M陈"
        ("陈 Mei", "陈"),
        ("陈明", "陈"),  # family name first
        ("Ming Chen 陈明", "陈"),
        ("김민준", "김"),
        ("やまだ たろう", "や"),
        ("Alice Chen", "AC"),
        ("Ana María López", "AL"),
        ("O'Brien Seán", "OS"),
        ("Bob", "BO"),
        ("Élodie", "É"),
        ("Mei\u3000Chen", "MC"),  # an ideographic space is not a character of the name
        ("「Mei」 Chen", "MC"),
        ("", "?"),
        ("   ", "?"),
        ("007", "?"),
    ],
)
def test_initials_come_from_one_script(name, initials):
    assert initials_of(name) == initials


@pytest.mark.django_db
def test_directory_cards_and_profiles_show_the_same_initials(client, alice_client):
    member("mei", name="Mei 陈")
    html = alice_client.get("/members/").content.decode()
    assert 'aria-hidden="true">陈</span>' in html
    html = alice_client.get("/@mei/").content.decode()
    assert 'aria-hidden="true">陈</span>' in html
    assert "M陈" not in html
