"""Every profile section × every audience × every kind of viewer, on the page and the API.

Viewers: an anonymous visitor, another member (bob), a connection (carol, connected to
alice through a checker registered for the test, as the network app will do), and the
owner (alice).
"""

import pytest
from django.test import Client

from guanxi.accounts import services, visibility
from guanxi.accounts.models import SECTION_KEYS, Education, Experience, OpenTo, Profile
from guanxi.accounts.visibility import Visibility, audience_level, register_connection_checker

# A marker per section that appears on the page only when the section is shown, and the
# API field that must be null when it is hidden.
MARKERS = {
    "about": ("Aboutmarker", "about_html"),
    "location": ("Citymarker", "location"),
    "work": ("Companymarker", "work"),
    "experience": ("Experiencemarker", "experience"),
    "education": ("Schoolmarker", "education"),
    "skills": ("Skillmarker", "skills"),
    "interests": ("Interestmarker", "interests"),
    "languages": ("Languagemarker", "languages"),
    "open_to": ("Mentoring others", "open_to"),  # the API says "mentoring"
    "links": ("linkmarker.example.com", "links"),
}
assert set(MARKERS) == set(SECTION_KEYS)

VIEWERS = ("anonymous", "member", "connection", "owner")
# The highest audience level each kind of viewer reaches.
VIEWER_LEVEL = {
    "anonymous": Visibility.PUBLIC,
    "member": Visibility.MEMBERS,
    "connection": Visibility.CONNECTIONS,
    "owner": Visibility.ONLY_ME,
}


@pytest.fixture
def connected(monkeypatch, alice, carol):
    """carol and alice are connected for this test only: the checker list is swapped for
    a fresh one and restored afterwards."""
    monkeypatch.setattr(visibility, "_connection_checkers", [])
    pair = {alice.pk, carol.pk}

    def checker(viewer_id: int, owner_id: int) -> bool:
        return {viewer_id, owner_id} == pair

    register_connection_checker(checker)
    yield checker


@pytest.fixture
def full_profile(alice):
    """alice with every section filled, all public to start with."""
    profile = alice.profile
    services.profile_update(
        profile=profile,
        about="I am **Aboutmarker**.",
        city="Citymarker",
        country="China",
        company="Companymarker",
        position="Founder",
        skills=["Skillmarker"],
        interests=["Interestmarker"],
        languages=["Languagemarker"],
        open_to=[OpenTo.MENTORING],
        links=[{"label": "Site", "url": "https://linkmarker.example.com/"}],
        visibility={key: Visibility.PUBLIC for key in SECTION_KEYS},
    )
    services.experience_create(
        profile=profile, data={"company": "Acme", "title": "Experiencemarker", "start_year": 2020}
    )
    services.education_create(profile=profile, data={"school": "Schoolmarker University"})
    return profile


@pytest.fixture
def clients(alice, bob, carol, connected, login):
    return {
        "anonymous": Client(),
        "member": login(bob),
        "connection": login(carol),
        "owner": login(alice),
    }


def test_audience_levels(alice, bob, carol, connected):
    from django.contrib.auth.models import AnonymousUser

    assert audience_level(AnonymousUser(), alice.pk) == Visibility.PUBLIC
    assert audience_level(None, alice.pk) == Visibility.PUBLIC
    assert audience_level(bob, alice.pk) == Visibility.MEMBERS
    assert audience_level(carol, alice.pk) == Visibility.CONNECTIONS
    assert audience_level(alice, alice.pk) == Visibility.ONLY_ME


def test_checker_is_gone_after_the_test(alice, carol):
    # The `connected` fixture restored the original (empty) list of checkers.
    assert audience_level(carol, alice.pk) == Visibility.MEMBERS


@pytest.mark.parametrize("level", list(Visibility), ids=lambda v: v.name.lower())
@pytest.mark.parametrize("section", SECTION_KEYS)
def test_section_visibility_matrix(section, level, full_profile, clients, alice):
    Profile.objects.filter(pk=alice.pk).update(**{f"vis_{section}": level})
    marker, api_field = MARKERS[section]
    for viewer in VIEWERS:
        client = clients[viewer]
        should_see = VIEWER_LEVEL[viewer] >= level

        page = client.get(f"/@{alice.username}/")
        assert page.status_code == 200
        assert (marker in page.content.decode()) is should_see, (section, level, viewer)

        response = client.get(f"/api/v1/profiles/{alice.username}")
        assert response.status_code == 200
        body = response.json()
        assert (body[api_field] is not None) is should_see, (section, level, viewer)
        api_marker = '"mentoring"' if section == "open_to" else marker
        assert (api_marker in response.content.decode()) is should_see, (section, level, viewer)
        # The basics are always there.
        assert body["display_name"] == "Alice Chen"
        assert body["headline"] == "Community builder"


@pytest.mark.parametrize("section", SECTION_KEYS)
def test_owner_sees_each_sections_audience(section, full_profile, alice, login):
    for level in Visibility:
        Profile.objects.filter(pk=alice.pk).update(**{f"vis_{section}": level})
        page = login(alice).get(f"/@{alice.username}/").content.decode()
        assert f"Visible to: {level.label}" in page
        me = login(alice).get("/api/v1/me/profile").json()
        assert me["visibility"][section] == level.name.lower()


def test_others_never_learn_the_audience_settings(full_profile, alice, bob, login):
    page = login(bob).get(f"/@{alice.username}/").content.decode()
    assert "Visible to:" not in page
    body = login(bob).get(f"/api/v1/profiles/{alice.username}").json()
    assert "visibility" not in body and "listed" not in body


def test_hidden_sections_are_not_queried_either(alice, full_profile, django_assert_max_num_queries):
    Profile.objects.filter(pk=alice.pk).update(
        **{f"vis_{key}": Visibility.ONLY_ME for key in SECTION_KEYS}
    )
    from django.contrib.auth.models import AnonymousUser

    from guanxi.accounts.selectors import profile_view

    with django_assert_max_num_queries(1):
        view = profile_view(viewer=AnonymousUser(), handle=alice.username)
    assert view.experience is None and view.skills is None and view.about_html is None


def test_unknown_or_inactive_member_is_404(alice, bob, login):
    assert Client().get("/@nobody/").status_code == 404
    assert Client().get("/api/v1/profiles/nobody").status_code == 404
    alice.is_active = False
    alice.save()
    for client in (Client(), login(bob)):
        assert client.get(f"/@{alice.username}/").status_code == 404
        response = client.get(f"/api/v1/profiles/{alice.username}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_handle_lookup_is_case_insensitive_and_redirects(alice):
    response = Client().get("/@ALICE/")
    assert response.status_code == 302
    assert response["Location"] == "/@alice/"


def test_a_wrong_token_on_a_public_read_is_401(alice):
    response = Client().get(
        f"/api/v1/profiles/{alice.username}", HTTP_AUTHORIZATION="Bearer gx_wrong"
    )
    assert response.status_code == 401


def test_entries_of_hidden_sections_never_reach_the_page(alice, bob, login):
    profile = alice.profile
    services.profile_update(profile=profile, visibility={"experience": Visibility.ONLY_ME})
    Experience.objects.create(profile=profile, company="Hidden Co", title="Secret", start_year=2001)
    Education.objects.create(profile=profile, school="Open School", school_key="open school")
    page = login(bob).get(f"/@{alice.username}/").content.decode()
    assert "Hidden Co" not in page and "Secret" not in page
    assert "Open School" in page  # education defaults to members
    assert "Open School" not in Client().get(f"/@{alice.username}/").content.decode()
