"""The home page for visitors and for members."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from guanxi.accounts.models import Experience, Profile, User
from guanxi.accounts.services import account_delete, profile_update
from guanxi.directory import selectors
from guanxi.network.suggestions.services import refresh_member
from tests.accounts.helpers import CONFIRM_LINK, link_from_outbox, signup_data
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
    assert "Welcome, Viewer Person" in html  # joined today: new here, not back
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
    with django_assert_max_num_queries(15):  # 15th: the invitations waiting for the viewer
        assert member_client.get("/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


def test_member_count_is_cached_until_it_changes(
    viewer, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert selectors.member_count() == 1
    with django_assert_num_queries(0):
        assert selectors.member_count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # what commit would run
        client.post("/accounts/signup/", signup_data())
    assert selectors.member_count() == 2  # the newcomer counts at once
    newcomer = User.objects.get(username="liwei")

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=newcomer.profile, listed=False)
    assert selectors.member_count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=newcomer.profile, listed=True)
    assert selectors.member_count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=newcomer.profile, headline="Still here")
    with django_assert_num_queries(0):  # a save that cannot change the count keeps it
        assert selectors.member_count() == 2

    viewer.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        viewer.save()  # e.g. an admin deactivating an account
    assert selectors.member_count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=newcomer)
    assert selectors.member_count() == 0


def test_member_count_is_not_forgotten_before_commit(viewer, django_capture_on_commit_callbacks):
    assert selectors.member_count() == 1
    with django_capture_on_commit_callbacks(execute=False) as pending:
        member("late")
    assert selectors.member_count() == 1  # not committed yet: others still see one
    for callback in pending:
        callback()
    assert selectors.member_count() == 2


def test_a_member_who_joined_before_is_welcomed_back(viewer, login):
    User.objects.filter(pk=viewer.pk).update(date_joined=timezone.now() - timedelta(days=30))
    viewer.refresh_from_db()
    html = login(viewer).get("/").content.decode()
    assert "Welcome back, Viewer Person" in html


def test_a_new_member_confirming_their_email_is_welcomed_not_back(client):
    client.post("/accounts/signup/", signup_data())
    landed = client.post(link_from_outbox(CONFIRM_LINK, "liwei@example.com"), follow=True)
    html = landed.content.decode()
    assert "Welcome, Li Wei" in html and "Welcome back" not in html
