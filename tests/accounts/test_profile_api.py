"""The profile API: read by handle, read and change your own, entries, errors."""

import pytest
from django.test import Client

from guanxi.accounts import selectors, services
from guanxi.accounts.models import Education, Experience, Profile
from guanxi.accounts.services import access_token_create
from guanxi.accounts.visibility import Visibility

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/profile"


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def reload(user) -> Profile:
    return Profile.objects.get(pk=user.pk)


def test_public_profile_for_anonymous_callers(alice):
    services.profile_update(profile=alice.profile, about="Hi *there*")
    response = Client().get("/api/v1/profiles/alice")
    assert response.status_code == 200
    body = response.json()
    assert body["handle"] == "alice"
    assert body["url"] == "http://testserver/@alice/"
    assert body["display_name"] == "Alice Chen"
    assert body["about_html"] == "<p>Hi <em>there</em></p>\n"
    assert body["about"] == "Hi *there*"
    assert body["photo_url"] is None
    # Members-only sections by default.
    assert body["location"] is None and body["work"] is None and body["skills"] is None


def test_member_reads_members_sections(alice, bob, login):
    services.profile_update(profile=alice.profile, skills=["Go"], open_to=["hiring"])
    services.experience_create(
        profile=alice.profile, data={"company": "Acme", "title": "CTO", "start_year": 2015}
    )
    body = login(bob).get("/api/v1/profiles/alice").json()
    assert body["location"] == {
        "city": "Shanghai",
        "country": "",
        "place_id": alice.profile.place_id,
    }
    assert body["work"] == {"company": "Fudan Ventures", "position": ""}
    assert body["skills"] == ["Go"]
    assert body["open_to"] == ["hiring"]
    assert body["experience"][0]["company"] == "Acme"
    assert body["experience"][0]["end_year"] is None


def test_profiles_and_me_by_token(alice, bob):
    _token, secret = access_token_create(user=bob, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = Client().get("/api/v1/profiles/alice", **auth)
    assert response.status_code == 200
    assert response.json()["location"] is not None  # seen as a member
    response = Client().patch(
        ME, {"headline": "Via token"}, content_type="application/json", **auth
    )
    assert response.status_code == 200
    assert reload(bob).headline == "Via token"


def test_me_needs_authentication(client):
    assert client.get(ME).status_code == 401
    assert patch(client, ME, {"headline": "x"}).status_code == 401
    assert client.get(f"{ME}/experience").status_code == 401
    assert client.post(f"{ME}/experience", {}, content_type="application/json").status_code == 401


def test_me_shows_everything_with_audiences(alice, login):
    body = login(alice).get(ME).json()
    assert body["handle"] == "alice"
    assert body["listed"] is True
    assert body["visibility"]["about"] == "public"
    assert body["visibility"]["skills"] == "members"
    assert set(body["visibility"]) == {
        "about", "location", "work", "experience", "education",
        "skills", "interests", "languages", "open_to", "links",
    }  # fmt: skip
    assert body["location"]["city"] == "Shanghai"


def test_patch_changes_only_what_is_sent(alice, login):
    client = login(alice)
    response = patch(
        client,
        ME,
        {
            "headline": "  Investor ",
            "skills": ["Go", "go", "人工智能"],
            "interests": ["Jazz"],
            "languages": ["English", "粤语"],
            "links": [{"label": "Blog", "url": "https://alice.example.com"}],
            "open_to": ["mentoring", "partnerships"],
            "visibility": {"skills": "public", "links": "only_me"},
            "listed": False,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["headline"] == "Investor"
    assert body["skills"] == ["Go", "人工智能"]
    assert body["open_to"] == ["mentoring", "partnerships"]
    assert body["visibility"]["skills"] == "public"
    assert body["visibility"]["links"] == "only_me"
    assert body["listed"] is False
    profile = reload(alice)
    assert profile.display_name == "Alice Chen"  # untouched
    assert profile.city == "Shanghai"
    assert profile.vis_links == Visibility.ONLY_ME

    # null clears a text field or a list.
    body = patch(client, ME, {"headline": None, "skills": None}).json()
    assert body["headline"] == "" and body["skills"] == []
    assert selectors.profile_tag_names(profile=reload(alice))["interest"] == ["Jazz"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"headline": "x" * 161}, "headline"),
        ({"about": "x" * 5001}, "about"),
        ({"display_name": ""}, "display_name"),
        ({"skills": [f"s{i}" for i in range(31)]}, "skills"),
        ({"interests": ["x" * 51]}, "interests"),
        ({"languages": [f"l{i}" for i in range(11)]}, "languages"),
        ({"links": [{"url": f"https://e.example/{i}"} for i in range(11)]}, "links"),
        ({"links": [{"label": "x", "url": "javascript:alert(1)"}]}, "links"),
        ({"open_to": ["world_domination"]}, "open_to"),
        ({"visibility": {"about": "friends"}}, "visibility"),
        ({"visibility": {"secrets": "public"}}, "visibility"),
        ({"skills": "Go, Rust"}, "skills"),  # not a list
        ({"skills": [1, 2]}, "skills.0"),
        ({"handle": "mallory"}, "handle"),  # unknown fields are refused, not ignored
    ],
)
def test_patch_bad_input_is_422_with_field_errors(alice, login, data, field):
    before = Profile.objects.filter(pk=alice.pk).values().get()
    response = patch(login(alice), ME, data)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert Profile.objects.filter(pk=alice.pk).values().get() == before


def test_patch_with_broken_json_is_400(alice, login):
    response = login(alice).patch(ME, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


# --- Entries ------------------------------------------------------------------------------


def test_experience_crud(alice, login):
    client = login(alice)
    response = client.post(
        f"{ME}/experience",
        {"company": "Acme", "title": "Engineer", "start_year": 2018},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["end_year"] is None and entry["location"] == ""
    listed = client.get(f"{ME}/experience").json()
    assert [e["id"] for e in listed["items"]] == [entry["id"]]
    assert (listed["next"], listed["count"], listed["count_is"]) == (None, 1, "exact")

    response = patch(client, f"{ME}/experience/{entry['id']}", {"end_year": 2020})
    assert response.status_code == 200
    assert response.json()["end_year"] == 2020
    assert response.json()["title"] == "Engineer"
    response = patch(client, f"{ME}/experience/{entry['id']}", {"end_year": None})
    assert response.json()["end_year"] is None

    assert client.delete(f"{ME}/experience/{entry['id']}").status_code == 204
    assert not Experience.objects.exists()


def test_education_crud(alice, login):
    client = login(alice)
    response = client.post(
        f"{ME}/education",
        {"school": "复旦大学", "degree": "MBA", "start_year": 2012, "end_year": 2014},
        content_type="application/json",
    )
    assert response.status_code == 201
    entry = response.json()
    assert entry["school"] == "复旦大学"
    response = patch(client, f"{ME}/education/{entry['id']}", {"field": "Finance"})
    assert response.json()["field"] == "Finance"
    assert client.get(f"{ME}/education").json()["items"][0]["field"] == "Finance"
    assert Education.objects.get().school_key == "复旦大学"
    assert client.delete(f"{ME}/education/{entry['id']}").status_code == 204
    assert not Education.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"company": "A", "title": "T", "start_year": 2020, "end_year": 2019}, "end_year"),
        ({"company": "A", "title": "T", "start_year": 1500}, "start_year"),
        ({"company": "", "title": "T", "start_year": 2020}, "company"),
        ({"company": "x" * 121, "title": "T", "start_year": 2020}, "company"),
        (
            {"company": "A", "title": "T", "start_year": 2020, "description": "x" * 2001},
            "description",
        ),
        ({"company": "A", "title": "T"}, "start_year"),
        ({"company": "A", "title": "T", "start_year": "soon"}, "start_year"),
        ({"company": "A", "title": "T", "start_year": 2020, "profile": 2}, "profile"),
    ],
)
def test_bad_experience_is_422(alice, login, data, field):
    response = login(alice).post(f"{ME}/experience", data, content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not Experience.objects.exists()


def test_patch_entry_rejects_bad_changes(alice, login):
    client = login(alice)
    entry = services.experience_create(
        profile=alice.profile, data={"company": "Acme", "title": "T", "start_year": 2018}
    )
    response = patch(client, f"{ME}/experience/{entry.pk}", {"end_year": 2001})
    assert response.status_code == 422
    assert "end_year" in response.json()["error"]["fields"]
    response = patch(client, f"{ME}/experience/{entry.pk}", {"company": None})
    assert response.status_code == 422
    entry.refresh_from_db()
    assert entry.company == "Acme" and entry.end_year is None


def test_others_entries_are_404(alice, bob, login):
    exp = services.experience_create(
        profile=alice.profile, data={"company": "Acme", "title": "T", "start_year": 2018}
    )
    edu = services.education_create(profile=alice.profile, data={"school": "Fudan"})
    client = login(bob)
    for url, change in (
        (f"{ME}/experience/{exp.pk}", {"title": "Hacked"}),
        (f"{ME}/education/{edu.pk}", {"school": "Hacked"}),
    ):
        response = patch(client, url, change)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert client.delete(url).status_code == 404
    assert client.get(f"{ME}/experience").json()["items"] == []
    assert patch(client, f"{ME}/experience/999999", {}).status_code == 404
    exp.refresh_from_db()
    edu.refresh_from_db()
    assert exp.title == "T" and edu.school == "Fudan"


def test_entry_limit_is_409(alice, login):
    for i in range(services.MAX_EXPERIENCES):
        services.experience_create(
            profile=alice.profile, data={"company": f"C{i}", "title": "T", "start_year": 2000}
        )
    response = login(alice).post(
        f"{ME}/experience",
        {"company": "One more", "title": "T", "start_year": 2000},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "entry_limit"
    assert Experience.objects.count() == services.MAX_EXPERIENCES


def test_openapi_lists_the_profile_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/profiles/{handle}" in paths
    assert {"get", "patch"} <= set(paths["/api/v1/me/profile"])
    assert "post" in paths["/api/v1/me/profile/photo"]
    assert {"patch", "delete"} <= set(paths["/api/v1/me/profile/experience/{entry_id}"])
    assert {"patch", "delete"} <= set(paths["/api/v1/me/profile/education/{entry_id}"])
