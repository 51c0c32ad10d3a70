"""GET /api/v1/members: shape, filters, visibility, errors."""

from __future__ import annotations

import pytest

from guanxi.accounts.models import OpenTo, Profile
from tests.directory.conftest import ALL_PUBLIC, MEMBERS, ONLY_ME, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/members"


@pytest.fixture
def people(db):
    member(
        "alice",
        name="Alice Chen",
        headline="Community builder",
        skills=("Python", "Go"),
        city="Shanghai",
        company="Fudan Ventures",
        position="Partner",
        open_to=(OpenTo.MENTORING,),
        **ALL_PUBLIC,
    )
    member(
        "bob",
        name="Bob Li",
        skills=("Python",),
        city="Beijing",
        company="Kunlun Cloud",
        vis_location=MEMBERS,
        vis_work=ONLY_ME,
        vis_skills=MEMBERS,
    )


def test_shape_and_fields(people, client):
    body = client.get(URL, {"skill": "python"}).json()
    assert set(body) == {"items", "next", "count", "count_is"}
    assert (body["next"], body["count"], body["count_is"]) == (None, 1, "exact")
    alice = Profile.objects.get(user__username="alice")
    assert body["items"] == [
        {
            "id": alice.pk,
            "handle": "alice",
            "display_name": "Alice Chen",
            "headline": "Community builder",
            "url": "http://testserver/@alice/",
            "initials": "AC",
            "photo_url": None,
            "is_demo": False,
            "city": "Shanghai",
            "country": None,
            "company": "Fudan Ventures",
            "position": "Partner",
            "skills": ["Python", "Go"],
            "open_to": ["mentoring"],
        }
    ]


def test_anonymous_callers_get_public_sections_only(people, client):
    items = {item["handle"]: item for item in client.get(URL).json()["items"]}
    assert set(items) == {"alice", "bob"}
    assert (items["bob"]["city"], items["bob"]["company"], items["bob"]["skills"]) == (
        None,
        None,
        [],
    )
    assert client.get(URL, {"city": "beijing"}).json()["items"] == []


def test_members_see_members_sections_but_not_only_me(people, viewer, login):
    client = login(viewer)
    items = {item["handle"]: item for item in client.get(URL).json()["items"]}
    assert items["bob"]["city"] == "Beijing" and items["bob"]["skills"] == ["Python"]
    assert items["bob"]["company"] is None
    assert [i["handle"] for i in client.get(URL, {"city": "beijing"}).json()["items"]] == ["bob"]
    assert client.get(URL, {"company": "kunlun"}).json()["items"] == []


def test_all_filters_and_sort(people, client):
    params = {
        "q": "ali",
        "skill": "PYTHON",
        "city": "shang",
        "company": "fudan",
        "open_to": "mentoring",
        "sort": "newest",
        "page": 1,
    }
    assert [i["handle"] for i in client.get(URL, params).json()["items"]] == ["alice"]


def test_pages(viewer, login, settings):
    settings.GUANXI_DIRECTORY_PAGE_SIZE = 2
    for i in range(3):
        member(f"go{i}", skills=("Go",))
    client = login(viewer)
    first = client.get(URL, {"skill": "go"}).json()
    assert (first["count"], first["next"], len(first["items"])) == (3, "2", 2)
    second = client.get(URL, {"skill": "go", "cursor": first["next"]}).json()
    assert [i["handle"] for i in second["items"]] == ["go2"] and second["next"] is None
    assert client.get(URL, {"skill": "go", "page": 2}).json() == second


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"open_to": "flying"}, "open_to"),
        ({"sort": "random"}, "sort"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "99999"}, "page"),
        ({"cursor": "99999"}, "page"),
        ({"cursor": "abc"}, "cursor"),
        ({"skill": "x" * 101}, "skill"),
        ({"school": "y" * 3000}, "school"),
    ],
)
def test_invalid_input_is_a_422_in_the_error_shape(people, client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"] and error["fields"][field]


def test_a_wrong_token_is_refused_not_treated_as_anonymous(people, client):
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer gx_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_listed_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/members"]["get"]
    names = {param["name"] for param in operation["parameters"]}
    assert {"q", "skill", "interest", "city", "company", "school", "open_to", "sort", "page"} <= (
        names
    )
