"""The profile page and the editor: rendering, saving each section with and without htmx,
field errors, entries CRUD, access, and flat query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guanxi.accounts import selectors, services
from guanxi.accounts.models import SECTIONS, Education, Experience, OpenTo, Profile
from guanxi.accounts.visibility import Visibility

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def reload(user) -> Profile:
    return Profile.objects.get(pk=user.pk)


# --- The profile page ---------------------------------------------------------------------


def test_profile_page_shows_the_basics_to_anyone(alice):
    page = Client().get("/@alice/").content.decode()
    assert "Alice Chen" in page
    assert "@alice" in page
    assert "Community builder" in page
    assert 'class="avatar avatar-large"' in page and ">AC<" in page  # initials, no photo


def test_profile_page_links_tags_company_and_city_to_the_directory(alice, bob, login):
    services.profile_update(
        profile=alice.profile,
        skills=["Machine Learning", "人工智能"],
        interests=["C++ & Rust"],
    )
    services.education_create(profile=alice.profile, data={"school": "Fudan University"})
    page = login(bob).get("/@alice/").content.decode()
    assert 'href="/members/?skill=Machine%20Learning"' in page
    assert 'href="/members/?skill=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD"' in page
    assert 'href="/members/?interest=C%2B%2B%20%26%20Rust"' in page
    assert 'href="/members/?company=Fudan%20Ventures"' in page
    assert 'href="/members/?city=Shanghai"' in page
    assert 'href="/members/?school=Fudan%20University"' in page


def test_owner_sees_edit_links_and_empty_section_prompts(alice, bob, login):
    owner_page = login(alice).get("/@alice/").content.decode()
    assert 'href="/profile/edit/"' in owner_page
    assert 'href="/profile/edit/#experience"' in owner_page
    other_page = login(bob).get("/@alice/").content.decode()
    assert 'href="/profile/edit/"' not in other_page
    assert "has not shared more yet" in other_page


def test_about_markdown_is_rendered_safely_on_the_page(alice, bob, login):
    services.profile_update(
        profile=alice.profile,
        about="**Hello** <script>alert('x')</script> [x](javascript:alert(1))",
    )
    page = login(bob).get("/@alice/").content.decode()
    assert "<strong>Hello</strong>" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page


def test_links_are_rendered_as_external_links(alice, bob, login):
    services.profile_update(
        profile=alice.profile,
        links=[{"label": "Blog", "url": "https://alice.example.com/?a=1&b=<2>"}],
        visibility={"links": Visibility.MEMBERS},
    )
    page = login(bob).get("/@alice/").content.decode()
    assert 'href="https://alice.example.com/?a=1&amp;b=&lt;2&gt;"' in page
    assert 'rel="nofollow noopener noreferrer ugc me"' in page


def test_open_to_badges(alice, bob, login):
    services.profile_update(profile=alice.profile, open_to=[OpenTo.HIRING, OpenTo.PARTNERSHIPS])
    page = login(bob).get("/@alice/").content.decode()
    assert "Hiring" in page and "Partnerships" in page and "A new job" not in page


def test_profile_page_query_count_is_flat(alice, bob, login, django_assert_max_num_queries):
    """Many entries and tags cost no more queries than one of each."""
    client = login(bob)
    profile = alice.profile
    services.profile_update(
        profile=profile,
        skills=["Only"],
        interests=["One"],
        visibility={key: Visibility.MEMBERS for key in ("experience", "education")},
    )
    services.experience_create(
        profile=profile, data={"company": "C", "title": "T", "start_year": 2000}
    )
    services.education_create(profile=profile, data={"school": "S"})
    with CaptureQueriesContext(connection) as few:
        assert client.get("/@alice/").status_code == 200

    services.profile_update(
        profile=profile,
        skills=[f"Skill {i}" for i in range(30)],
        interests=[f"Interest {i}" for i in range(30)],
        languages=[f"Language {i}" for i in range(10)],
        links=[{"label": f"L{i}", "url": f"https://example.com/{i}"} for i in range(10)],
    )
    for i in range(services.MAX_EXPERIENCES - 1):
        services.experience_create(
            profile=profile, data={"company": f"C{i}", "title": "T", "start_year": 2000 + i % 20}
        )
    for i in range(services.MAX_EDUCATIONS - 1):
        services.education_create(profile=profile, data={"school": f"School {i}"})
    with CaptureQueriesContext(connection) as many:
        page = client.get("/@alice/")
    assert page.status_code == 200
    assert "Skill 29" in page.content.decode() and "School 18" in page.content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # Session, user, blocks, the member with their profile, three section queries, the
    # notification badge, and the network's relationship panel (the pair in one query,
    # the mutual connections and their faces, their connections-list privacy). No
    # connection check: no section is for connections only.
    with django_assert_max_num_queries(12):
        client.get("/@alice/")
    with django_assert_max_num_queries(5):
        Client().get("/@alice/")


def test_profile_asks_whether_connected_only_for_a_connections_only_section(
    alice, bob, carol, login
):
    """The connection is looked up (one query) only when a section depends on it, and
    the section then shows to a connection and to no one else."""
    from guanxi.network.services import connect_members

    connect_members(a=alice, b=carol)
    services.profile_update(profile=alice.profile, headline="Builds bridges", about="Hello there")
    services.profile_update(
        profile=alice.profile, visibility={key: Visibility.MEMBERS for key, _ in SECTIONS}
    )
    pages = {}
    for viewer in (bob, carol):
        with CaptureQueriesContext(connection) as members_only:
            pages[viewer, "members"] = login(viewer).get("/@alice/").content.decode()
        pages[viewer, "members", "queries"] = len(members_only)
    services.profile_update(profile=alice.profile, visibility={"about": Visibility.CONNECTIONS})
    for viewer in (bob, carol):
        with CaptureQueriesContext(connection) as one_for_connections:
            pages[viewer, "connections"] = login(viewer).get("/@alice/").content.decode()
        assert len(one_for_connections) == pages[viewer, "members", "queries"] + 1
    assert "Hello there" in pages[bob, "members"] and "Hello there" in pages[carol, "members"]
    assert "Hello there" not in pages[bob, "connections"]
    assert "Hello there" in pages[carol, "connections"]


# --- The editor ---------------------------------------------------------------------------


def test_editor_needs_a_login(client):
    for url in ("/profile/edit/", "/profile/edit/about/", "/profile/edit/experience/add/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post("/profile/edit/about/", {"about": "x", "visibility": 0})
    assert response.status_code == 302


def test_editor_shows_every_section_with_its_visibility(alice, login):
    page = login(alice).get("/profile/edit/").content.decode()
    for slug in (
        "basics",
        "photo",
        "about",
        "location",
        "work",
        "experience",
        "education",
        "skills",
        "interests",
        "languages",
        "open_to",
        "links",
        "directory",
    ):
        assert f'id="{slug}"' in page
        assert f'action="/profile/edit/{slug}/"' in page
    assert page.count('name="visibility"') == 10
    assert "@alice" in page  # the handle is shown, not editable
    assert 'name="username"' not in page and 'name="handle"' not in page
    assert 'href="/@alice/"' in page  # View profile
    # Ids stay unique although many forms share field names.
    assert page.count('id="id_about_visibility"') == 1
    assert page.count('id="id_skills_visibility"') == 1


def test_each_section_page_renders(alice, login):
    client = login(alice)
    for slug in (
        "basics",
        "photo",
        "about",
        "location",
        "work",
        "experience",
        "education",
        "skills",
        "interests",
        "languages",
        "open_to",
        "links",
        "directory",
    ):
        assert client.get(f"/profile/edit/{slug}/").status_code == 200
    assert client.get("/profile/edit/nonsense/").status_code == 404


@pytest.mark.parametrize(
    ("section", "data", "check"),
    [
        (
            "basics",
            {"display_name": "Alice C.", "headline": "Builder"},
            lambda p: p.display_name == "Alice C." and p.headline == "Builder",
        ),
        (
            "about",
            {"about": "Hello **world**", "visibility": "2"},
            lambda p: "<strong>world</strong>" in p.about_html and p.vis_about == 2,
        ),
        (
            "location",
            {"city": "Beijing", "country": "China", "visibility": "0"},
            lambda p: p.city_key == "beijing" and p.vis_location == 0,
        ),
        (
            "work",
            {"company": "Acme", "position": "CTO", "visibility": "1"},
            lambda p: p.company_key == "acme" and p.position == "CTO",
        ),
        ("experience", {"visibility": "3"}, lambda p: p.vis_experience == 3),
        ("education", {"visibility": "2"}, lambda p: p.vis_education == 2),
        (
            "languages",
            {"languages": "English, 普通话，Français", "visibility": "1"},
            lambda p: p.languages == ["English", "普通话", "Français"],
        ),
        (
            "open_to",
            {"open_to": ["1", "8"], "visibility": "0"},
            lambda p: p.open_to == 9 and p.vis_open_to == 0,
        ),
        (
            "links",
            {
                "label_0": "Blog",
                "url_0": "https://a.example",
                "label_1": "",
                "url_1": "https://b.example",
                "visibility": "1",
            },
            lambda p: (
                p.links
                == [
                    {"label": "Blog", "url": "https://a.example"},
                    {"label": "b.example", "url": "https://b.example"},
                ]
            ),
        ),
        ("directory", {}, lambda p: p.listed is False),
    ],
)
def test_saving_a_section_without_javascript(alice, login, section, data, check):
    response = login(alice).post(f"/profile/edit/{section}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/profile/edit/?saved={section}#{section}"
    assert check(reload(alice))
    # The editor says so in that section.
    page = login(alice).get(response["Location"]).content.decode()
    saved_section = page.split(f'<section id="{section}"')[1].split("</section>")[0]
    assert "Your changes are saved." in saved_section
    assert page.count("Your changes are saved.") == 1


def test_saving_tags_from_the_editor(alice, login):
    client = login(alice)
    response = client.post(
        "/profile/edit/skills/",
        {"tags": "Python,  machine   learning\n人工智能，python", "visibility": "1"},
    )
    assert response.status_code == 302
    response = client.post("/profile/edit/interests/", {"tags": "Jazz、围棋", "visibility": "0"})
    assert response.status_code == 302
    names = selectors.profile_tag_names(profile=reload(alice))
    assert names["skill"] == ["Python", "machine learning", "人工智能"]
    assert names["interest"] == ["Jazz", "围棋"]
    page = client.get("/profile/edit/").content.decode()
    assert "Python, machine learning, 人工智能" in page


def test_saving_a_section_with_htmx_swaps_it_in_place(alice, login):
    response = login(alice).post(
        "/profile/edit/basics/", {"display_name": "Alice", "headline": "New"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="basics"')
    assert "<html" not in body
    assert "Your changes are saved." in body
    assert reload(alice).headline == "New"


def test_htmx_errors_come_back_in_the_fragment(alice, login):
    response = login(alice).post(
        "/profile/edit/skills/", {"tags": "x" * 51, "visibility": "1"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="errorlist' in body and "too long" in body
    assert "<html" not in body
    assert "Your changes are saved." not in body


@pytest.mark.parametrize(
    ("section", "data", "field_text"),
    [
        ("basics", {"display_name": "", "headline": ""}, "This field is required"),
        ("basics", {"display_name": "x" * 101, "headline": ""}, "at most 100 characters"),
        ("basics", {"display_name": "Al", "headline": "x" * 161}, "at most 160 characters"),
        ("about", {"about": "x" * 5001, "visibility": "0"}, "at most 5000 characters"),
        ("about", {"about": "ok", "visibility": "9"}, "Select a valid choice"),
        ("location", {"city": "x" * 81, "country": "", "visibility": "1"}, "at most 80"),
        ("work", {"company": "x" * 121, "position": "", "visibility": "1"}, "at most 120"),
        ("skills", {"tags": ",".join(f"t{i}" for i in range(31)), "visibility": "1"}, "At most 30"),
        (
            "languages",
            {"languages": ",".join(f"l{i}" for i in range(11)), "visibility": "1"},
            "At most 10",
        ),
        ("open_to", {"open_to": ["3"], "visibility": "1"}, "Select a valid choice"),
        (
            "links",
            {"label_0": "x", "url_0": "javascript:alert(1)", "visibility": "1"},
            "http:// or https://",
        ),
        (
            "links",
            {"label_0": "x" * 61, "url_0": "https://a.example", "visibility": "1"},
            "at most 60",
        ),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(alice, login, section, data, field_text):
    before = Profile.objects.filter(pk=alice.pk).values().get()
    response = login(alice).post(f"/profile/edit/{section}/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert field_text in body, body[:3000]
    assert 'class="errorlist' in body
    assert Profile.objects.filter(pk=alice.pk).values().get() == before


def test_links_editor_offers_more_rows_as_it_fills(alice, login):
    client = login(alice)
    page = client.get("/profile/edit/links/").content.decode()
    assert 'name="url_1"' in page and 'name="url_2"' not in page
    data = {f"url_{i}": f"https://e.example/{i}" for i in range(4)} | {"visibility": "1"}
    client.post("/profile/edit/links/", data)
    page = client.get("/profile/edit/links/").content.decode()
    assert 'name="url_5"' in page and 'name="url_6"' not in page


def test_entry_pages_guard_methods(alice, login):
    client = login(alice)
    assert client.delete("/profile/edit/about/").status_code == 405
    assert client.get("/profile/edit/photo/remove/").status_code == 405


# --- Experience and education entries --------------------------------------------------------


def test_experience_add_edit_delete(alice, login):
    client = login(alice)
    assert client.get("/profile/edit/experience/add/").status_code == 200
    response = client.post(
        "/profile/edit/experience/add/",
        {
            "company": "Acme",
            "title": "Engineer",
            "location": "Remote",
            "start_year": "2019",
            "end_year": "",
            "description": "Built things.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/profile/edit/?saved=experience#experience"
    entry = Experience.objects.get(profile__user=alice)
    assert entry.end_year is None

    assert client.get(f"/profile/edit/experience/{entry.pk}/").status_code == 200
    response = client.post(
        f"/profile/edit/experience/{entry.pk}/",
        {"company": "Acme", "title": "Lead engineer", "start_year": "2019", "end_year": "2023"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.end_year) == ("Lead engineer", 2023)
    assert "Lead engineer" in client.get("/@alice/").content.decode()

    response = client.post(f"/profile/edit/experience/{entry.pk}/delete/")
    assert response.status_code == 302
    assert not Experience.objects.filter(pk=entry.pk).exists()


def test_end_year_before_start_year_is_an_error_on_the_end_year(alice, login):
    response = login(alice).post(
        "/profile/edit/experience/add/",
        {"company": "Acme", "title": "Engineer", "start_year": "2020", "end_year": "2018"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The end year cannot be before the start year." in body
    assert (
        'aria-invalid="true"'
        in body.split('name="end_year"')[0][-300:] + body.split('name="end_year"')[1][:300]
    )
    assert not Experience.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"company": "", "title": "T", "start_year": "2020"},
        {"company": "C", "title": "T", "start_year": "1200"},
        {"company": "C", "title": "T", "start_year": "next year"},
        {"company": "x" * 121, "title": "T", "start_year": "2020"},
        {"company": "C", "title": "T", "start_year": "2020", "description": "x" * 2001},
    ],
)
def test_bad_experience_shows_errors(alice, login, data):
    response = login(alice).post("/profile/edit/experience/add/", data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Experience.objects.exists()


def test_education_add_edit_delete(alice, login):
    client = login(alice)
    response = client.post(
        "/profile/edit/education/add/",
        {
            "school": "Fudan University",
            "degree": "MBA",
            "field": "",
            "start_year": "2012",
            "end_year": "2014",
        },
    )
    assert response.status_code == 302
    entry = Education.objects.get(profile__user=alice)
    assert entry.school_key == "fudan university"
    response = client.post(
        f"/profile/edit/education/{entry.pk}/",
        {"school": "复旦大学", "start_year": "2014", "end_year": "2012"},
    )
    assert response.status_code == 200
    assert "The end year cannot be before the start year." in response.content.decode()
    entry.refresh_from_db()
    assert entry.school == "Fudan University"
    client.post(f"/profile/edit/education/{entry.pk}/", {"school": "复旦大学"})
    entry.refresh_from_db()
    assert entry.school_key == "复旦大学" and entry.start_year is None
    client.post(f"/profile/edit/education/{entry.pk}/delete/")
    assert not Education.objects.exists()


def test_another_member_cannot_touch_your_entries(alice, bob, login):
    exp = services.experience_create(
        profile=alice.profile,
        data={"company": "Zorblax Labs", "title": "Engineer", "start_year": 2019},
    )
    edu = services.education_create(profile=alice.profile, data={"school": "Fudan"})
    client = login(bob)
    for url in (
        f"/profile/edit/experience/{exp.pk}/",
        f"/profile/edit/education/{edu.pk}/",
    ):
        assert client.get(url).status_code == 404
        assert (
            client.post(
                url, {"company": "Hacked", "title": "x", "start_year": "2020", "school": "Hacked"}
            ).status_code
            == 404
        )
        assert client.post(url + "delete/").status_code == 404
    exp.refresh_from_db()
    edu.refresh_from_db()
    assert exp.company == "Zorblax Labs" and edu.school == "Fudan"
    # The editor lists only your own entries.
    assert "Zorblax Labs" not in client.get("/profile/edit/").content.decode()


def test_entry_limit_is_reported_on_the_form(alice, login):
    for i in range(services.MAX_EDUCATIONS):
        services.education_create(profile=alice.profile, data={"school": f"S{i}"})
    response = login(alice).post("/profile/edit/education/add/", {"school": "One more"})
    assert response.status_code == 200
    assert "at most 20 schools" in response.content.decode()
