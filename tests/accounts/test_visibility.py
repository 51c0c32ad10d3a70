"""The visibility rule itself, the owner's view of audiences, and what never leaks.

The matrix of every section × level × viewer through every consumer (pages, API,
directory, suggestions, introductions, shared interests) is
tests/platform/test_section_visibility.py.
"""

import pytest
from django.test import Client

from guanxi.accounts import services
from guanxi.accounts.models import SECTION_KEYS, Education, Experience, OpenTo, Profile
from guanxi.accounts.visibility import EVERY_MEMBER, Audience, Visibility, audience_of
from guanxi.network.services import connect_members


@pytest.fixture
def connected(alice, carol):
    return connect_members(a=alice, b=carol)


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


def test_audience_levels(alice, bob, carol, connected):
    from django.contrib.auth.models import AnonymousUser

    def level(viewer) -> int:
        audience = audience_of(viewer)
        return audience.level_for(alice.pk, connected=audience.is_connected_to(alice.pk))

    assert audience_of(AnonymousUser()) == audience_of(None) == Audience(None, Visibility.PUBLIC)
    assert level(None) == Visibility.PUBLIC
    assert level(bob) == Visibility.MEMBERS
    assert level(carol) == Visibility.CONNECTIONS
    assert level(alice) == Visibility.ONLY_ME
    # The audience of reasons: what every member sees, whoever is connected to whom.
    assert EVERY_MEMBER.level_for(alice.pk, connected=True) == Visibility.MEMBERS


@pytest.mark.parametrize("level", list(Visibility), ids=lambda v: v.name.lower())
def test_query_form_is_a_semi_join_that_matches_the_python_form(level, alice, bob, carol, dave):
    """Over several members at once, `Audience.q` selects exactly the profiles `sees`
    accepts; the connections come from a probe of the connections table per row
    (EXISTS), not a list of ids."""
    connect_members(a=carol, b=alice)
    connect_members(a=carol, b=dave)
    Profile.objects.update(vis_work=level)
    audience = audience_of(carol)
    query = Profile.objects.filter(audience.q("work"))
    sql = str(query.query).upper()
    assert "EXISTS (SELECT 1 FROM" in sql and f"IN ({alice.pk}" not in sql
    connected = {alice.pk, dave.pk}
    expected = {
        p.pk
        for p in Profile.objects.all()
        if audience.sees(p.vis_work, p.pk, connected=p.pk in connected)
    }
    assert set(query.values_list("pk", flat=True)) == expected


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
