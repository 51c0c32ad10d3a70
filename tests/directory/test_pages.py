"""The directory page: form, results fragment, pagination, bad input, query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guanxi.accounts.models import OpenTo
from tests.directory.conftest import ALL_PUBLIC, MEMBERS, ONLY_ME, member

pytestmark = pytest.mark.django_db

URL = "/members/"


def card_handles(response) -> list[str]:
    return re.findall(r'class="person-handle">@(\w+)', response.content.decode())


def test_page_lists_members_with_a_labelled_filter_form(viewer, login):
    member("alice", name="Alice Chen", skills=("Python",), city="Shanghai")
    response = login(viewer).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("q", "skill", "interest", "city", "company", "school", "open_to", "sort"):
        assert f'id="id_{name}"' in html
        assert f'for="id_{name}"' in html  # every input has a visible label
    assert 'hx-get="/members/"' in html and 'hx-target="#results"' in html
    assert "<html" in html and "Alice Chen" in html
    assert card_handles(response) == ["alice", "viewer"]
    assert "2 members" in html


def test_filters_work_without_javascript(viewer, login):
    member("alice", skills=("Python",))
    member("bob", skills=("Go",))
    response = login(viewer).get(URL, {"skill": "PYTHON"})
    assert card_handles(response) == ["alice"]
    html = response.content.decode()
    assert 'value="PYTHON"' in html  # the form keeps what was typed
    assert "1 member" in html


def test_htmx_request_gets_only_the_results_fragment(viewer, login):
    member("alice", skills=("Python",))
    response = login(viewer).get(URL, {"skill": "python"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "results-count" in html and card_handles(response) == ["alice"]
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(viewer, login):
    response = login(viewer).get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_pagination_keeps_the_filters(viewer, login, settings):
    settings.GUANXI_DIRECTORY_PAGE_SIZE = 2
    for i in range(5):
        member(f"py{i}", skills=("Python",), city="Shanghai")
    client = login(viewer)
    first = client.get(URL, {"skill": "python", "city": "shanghai"})
    html = first.content.decode()
    assert card_handles(first) == ["py0", "py1"]
    assert "page 1 of 3" in html
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "skill=python" in next_link and "city=shanghai" in next_link and "page=2" in next_link
    second = client.get(URL + next_link)
    assert card_handles(second) == ["py2", "py3"]
    third = client.get(URL, {"skill": "python", "city": "shanghai", "page": 3})
    assert card_handles(third) == ["py4"]
    assert 'rel="next"' not in third.content.decode()


def test_active_filters_can_be_removed_one_by_one(viewer, login):
    member("alice", skills=("Python",), city="Shanghai", open_to=(OpenTo.HIRING,))
    html = login(viewer).get(URL, {"skill": "Python", "city": "Shanghai", "open_to": "hiring"})
    html = html.content.decode()
    chips = re.findall(r'<a class="chip" href="([^"]*)"', html)
    assert len(chips) == 3
    assert any("skill" not in c and "city=Shanghai" in c and "open_to=hiring" in c for c in chips)


def test_no_match_explains_what_to_do(viewer, login):
    member("alice", skills=("Python",))
    html = login(viewer).get(URL, {"skill": "python", "city": "atlantis"}).content.decode()
    assert "No members match" in html
    assert "Try removing a filter" in html
    assert "Remove City: atlantis" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"open_to": "flying"}, "is not one of the listed options"),
        ({"sort": "random"}, "Sort by"),
        ({"skill": "x" * 101}, "at most 100 characters"),
        ({"city": "y" * 5000}, "at most 100 characters"),
    ],
)
def test_bad_filters_get_a_clear_message(viewer, login, params, message):
    member("alice", skills=("Python",))
    response = login(viewer).get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters need fixing" in html and message in html
    assert card_handles(response) == []
    fragment = login(viewer).get(URL, params, HTTP_HX_REQUEST="true").content.decode()
    assert message in fragment


@pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5", "9" * 40])
def test_bad_page_numbers_show_the_first_page(viewer, login, page):
    member("alice")
    response = login(viewer).get(URL, {"page": page})
    assert response.status_code == 200
    html = response.content.decode()
    if page == "9" * 40:
        assert "here is the last one" in html
    else:
        assert "here is the first page" in html
    assert "alice" in card_handles(response)


def test_page_past_the_end_shows_the_last_page(viewer, login, settings):
    settings.GUANXI_DIRECTORY_PAGE_SIZE = 2
    for i in range(3):
        member(f"go{i}", skills=("Go",))
    response = login(viewer).get(URL, {"skill": "go", "page": 99999})
    assert response.status_code == 200
    assert "There is no page 99999" in response.content.decode()
    assert card_handles(response) == ["go2"]


def test_hidden_company_is_neither_found_nor_shown(viewer, login):
    member("open", name="Open Person", company="Kunlun Cloud", vis_work=MEMBERS)
    member("secret", name="Secret Person", company="Kunlun Cloud Secret", vis_work=ONLY_ME)
    client = login(viewer)
    assert card_handles(client.get(URL, {"company": "kunlun"})) == ["open"]
    listing = client.get(URL).content.decode()
    assert "Secret Person" in listing and "Kunlun Cloud Secret" not in listing


def test_anonymous_visitors_see_and_filter_public_sections_only(client):
    member("pub", name="Pub", city="Hangzhou", company="Lotus", **ALL_PUBLIC)
    member("mem", name="Mem", city="Hangzhou", company="Lotus Members", vis_work=MEMBERS)
    assert card_handles(client.get(URL, {"city": "hangzhou"})) == ["pub"]
    html = client.get(URL).content.decode()
    assert "Lotus Members" not in html and "Hangzhou · Lotus" in html


def test_demo_members_carry_a_badge(viewer, login):
    user = member("demo1", name="Demo Person")
    user.is_demo = True
    user.save()
    html = login(viewer).get(URL, {"q": "demo"}).content.decode()
    assert "badge-demo" in html


def test_query_count_is_flat(viewer, login, django_assert_max_num_queries, settings):
    """A full page of 24 members with tags costs the same few queries as a page of 2."""
    settings.GUANXI_DIRECTORY_PAGE_SIZE = 24
    for i in range(30):
        member(
            f"m{i:02d}",
            skills=("Python", "Go", f"Skill {i}"),
            interests=("Hiking",),
            school="Fudan University",
            city="Shanghai" if i < 28 else "Beijing",
            company="Kunlun Cloud",
            **ALL_PUBLIC,
        )
    member_client = login(viewer)
    params = {"skill": "python", "school": "fudan", "interest": "hiking"}
    few = {**params, "city": "beijing"}
    # Session and user, connections and blocks, tag ids, candidate estimates, count,
    # page, card skills (and whatever the site frame adds, e.g. unread notifications).
    for client in (member_client, Client()):
        with CaptureQueriesContext(connection) as small:
            assert len(card_handles(client.get(URL, few))) == 2
        with django_assert_max_num_queries(len(small)):
            assert len(card_handles(client.get(URL, {**params, "city": "shanghai"}))) == 24
        with django_assert_max_num_queries(len(small)):
            assert len(card_handles(client.get(URL, params))) == 24
    with django_assert_max_num_queries(16):
        member_client.get(URL, params)


def test_tag_filter_links_to_the_ranked_shared_tag_page(viewer, login, client):
    member("alice", name="Alice Chen", skills=("Python",), **ALL_PUBLIC)
    html = login(viewer).get(URL, {"skill": "Python"}).content.decode()
    assert "/network/tags/Python/" in html
    assert "/network/tags/" not in client.get(URL, {"skill": "Python"}).content.decode()
