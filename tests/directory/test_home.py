"""The home page for visitors and for members."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from guanxi.accounts.models import Experience, Profile
from guanxi.directory import selectors
from guanxi.network.suggestions.services import refresh_member
from tests.directory.conftest import ALL_PUBLIC, MEMBERS, member

pytestmark = pytest.mark.django_db


@override_settings(GUANXI_COMMUNITY_NAME="Shanghai Chamber")
def test_visitors_get_the_pitch_join_and_login(client):
    member("alice", name="Alice Chen", headline="Community builder", **ALL_PUBLIC)
    member("bob", name="Bob Li", company="Secret Corp", vis_work=MEMBERS)
    member("hidden", name="Hidden Person", listed=False)
    html = client.get("/").content.decode()
    assert "A professional network your community owns" in html
    assert "Join Shanghai Chamber" in html
    assert 'href="/accounts/signup/"' in html and 'href="/accounts/login/"' in html
    assert re.search(r"<strong>2</strong>\s*members already here", html)
    for point in ("Profiles worth reading", "A directory that finds people", "In your language"):
        assert point in html
    assert "Alice Chen" in html and "Bob Li" in html
    assert "Secret Corp" not in html  # newest members show public data only
    assert "Hidden Person" not in html


def test_members_get_a_welcome_and_a_completeness_checklist(viewer, login):
    member("alice", name="Alice Chen")
    html = login(viewer).get("/").content.decode()
    assert "Welcome back, Viewer Person" in html
    assert "Your profile is 0% complete." in html
    assert 'href="/profile/edit/"' in html
    assert 'href="/profile/edit/skills/"' in html  # each missing item links to its editor
    assert "Alice Chen" in html and 'href="/members/' in html
    assert "A professional network your community owns" not in html


def test_completeness_counts_what_is_filled_in(viewer):
    Profile.objects.filter(pk=viewer.pk).update(
        headline="Engineer", about="Hello", city="Shanghai", company="Kunlun"
    )
    Profile.objects.filter(pk=viewer.pk).update(photo="photos/x.jpg")
    Experience.objects.create(
        profile=viewer.profile, company="Kunlun", title="Engineer", start_year=2020
    )
    member_profile, completeness = selectors.profile_completeness(user=viewer)
    done = {item.key for item in completeness.items if item.done}
    assert done == {"basics", "photo", "about", "location", "work", "experience"}
    assert {item.key for item in completeness.missing} == {"education", "skills", "interests"}
    assert completeness.percent == 67
    assert member_profile.pk == viewer.pk


def test_home_query_count(viewer, login, client, django_assert_max_num_queries):
    for i in range(10):
        member(f"m{i}", skills=("Python", "Go"), **ALL_PUBLIC)
    member_client = login(viewer)
    refresh_member(viewer.pk)  # suggestions served from the table, as after the first visit
    # session, user, connections, blocks, newest, their skills, completeness, count
    # (+ what the site frame adds: the notification badge) + people you may know (state,
    # served rows, and with nothing stored a live pass over the viewer's traits: 3)
    with django_assert_max_num_queries(14):
        assert member_client.get("/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


def test_member_count_is_cached(viewer, django_assert_num_queries):
    selectors.member_count()
    member("late")
    with django_assert_num_queries(0):
        assert selectors.member_count() == 1
