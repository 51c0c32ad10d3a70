"""Profile writes: validation, lookup keys, Markdown, lists, entries; nothing half-written."""

import pytest

from guanxi.accounts import services
from guanxi.accounts.errors import TooManyEntries
from guanxi.accounts.models import Education, Experience, OpenTo, Profile, normalize_text
from guanxi.accounts.visibility import Visibility
from guanxi.core.errors import Invalid

pytestmark = pytest.mark.django_db


def reload(user) -> Profile:
    return Profile.objects.get(pk=user.pk)


def test_profile_ensure_is_idempotent(alice):
    assert services.profile_ensure(user=alice, display_name="Other") == alice.profile
    assert reload(alice).display_name == "Alice Chen"


def test_text_fields_are_trimmed_and_keys_maintained(bob):
    services.profile_update(
        profile=bob.profile,
        display_name="  Bob   Li ",
        city=" New   York ",
        country="United States",
        company="  ACME  Corp ",
        position="Engineer",
    )
    profile = reload(bob)
    assert profile.display_name == "Bob Li"
    assert profile.name_key == "bob li"
    assert profile.city == "New York" and profile.city_key == "new york"
    assert profile.country_key == "united states"
    assert profile.company == "ACME Corp" and profile.company_key == "acme corp"
    assert profile.company_key == normalize_text("acme corp")


def test_clearing_a_field_clears_its_key(alice):
    services.profile_update(profile=alice.profile, city="", company="")
    profile = reload(alice)
    assert (profile.city, profile.city_key, profile.company, profile.company_key) == (
        "",
        "",
        "",
        "",
    )


def test_chinese_location_and_company(bob):
    services.profile_update(profile=bob.profile, city="上海", company="阿里巴巴")
    profile = reload(bob)
    assert profile.city_key == "上海" and profile.company_key == "阿里巴巴"


def test_about_is_rendered_and_sanitised(bob):
    services.profile_update(profile=bob.profile, about="Hi **there**\n\n<script>alert(1)</script>")
    profile = reload(bob)
    assert "<strong>there</strong>" in profile.about_html
    assert "<script" not in profile.about_html
    assert profile.about.startswith("Hi **there**")  # the source is kept as written


def test_display_name_cannot_be_empty(bob):
    with pytest.raises(Invalid) as exc:
        services.profile_update(profile=bob.profile, display_name="   ")
    assert "display_name" in exc.value.fields
    assert reload(bob).display_name == "Bob Li"


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("display_name", 101),
        ("headline", 161),
        ("about", 5001),
        ("city", 81),
        ("country", 81),
        ("company", 121),
        ("position", 121),
    ],
)
def test_over_long_fields_are_refused_and_nothing_is_saved(bob, field, length):
    with pytest.raises(Invalid) as exc:
        services.profile_update(profile=bob.profile, listed=False, **{field: "x" * length})
    assert field in exc.value.fields
    assert reload(bob).listed is True
    assert len(getattr(reload(bob), field)) < length


def test_every_bad_field_is_reported_at_once(bob):
    with pytest.raises(Invalid) as exc:
        services.profile_update(
            profile=bob.profile,
            headline="x" * 500,
            skills=["y" * 51],
            links=[{"label": "x", "url": "javascript:alert(1)"}],
            open_to=["flying"],
            visibility={"about": "everyone"},
        )
    assert set(exc.value.fields) == {"headline", "skills", "links", "open_to", "visibility"}


def test_open_to_accepts_members_values_and_names(bob):
    services.profile_update(profile=bob.profile, open_to=[OpenTo.HIRING, 4, "business_leads"])
    assert reload(bob).open_to_list == [OpenTo.HIRING, OpenTo.MENTORING, OpenTo.BUSINESS_LEADS]
    services.profile_update(profile=bob.profile, open_to=[])
    assert reload(bob).open_to == 0
    for bad in (["nope"], [3], [999]):
        with pytest.raises(Invalid):
            services.profile_update(profile=bob.profile, open_to=bad)


def test_languages_are_normalised_and_bounded(bob):
    services.profile_update(profile=bob.profile, languages=[" English ", "english", "粤语", ""])
    assert reload(bob).languages == ["English", "粤语"]
    with pytest.raises(Invalid) as exc:
        services.profile_update(profile=bob.profile, languages=[f"L{i}" for i in range(11)])
    assert "languages" in exc.value.fields


def test_links_are_checked(bob):
    services.profile_update(
        profile=bob.profile,
        links=[
            {"label": " My  blog ", "url": "https://bob.example.com/blog"},
            {"label": "", "url": "http://example.org/x"},
            {"label": "", "url": ""},
        ],
    )
    assert reload(bob).links == [
        {"label": "My blog", "url": "https://bob.example.com/blog"},
        {"label": "example.org", "url": "http://example.org/x"},
    ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/file",
        "mailto:bob@example.com",
        "//example.com",
        "example.com",
        "https://" + "a" * 300 + ".com",
    ],
)
def test_bad_links_are_refused(bob, url):
    with pytest.raises(Invalid) as exc:
        services.profile_update(profile=bob.profile, links=[{"label": "x", "url": url}])
    assert "links" in exc.value.fields
    assert reload(bob).links == []


def test_at_most_ten_links_and_bounded_labels(bob):
    links = [{"label": f"L{i}", "url": f"https://example.com/{i}"} for i in range(11)]
    with pytest.raises(Invalid):
        services.profile_update(profile=bob.profile, links=links)
    services.profile_update(profile=bob.profile, links=links[:10])
    assert len(reload(bob).links) == 10
    with pytest.raises(Invalid):
        services.profile_update(
            profile=bob.profile, links=[{"label": "x" * 61, "url": "https://example.com"}]
        )


def test_visibility_and_listing(bob):
    services.profile_update(
        profile=bob.profile,
        visibility={"about": "only_me", "skills": Visibility.CONNECTIONS, "links": 0},
        listed=False,
    )
    profile = reload(bob)
    assert profile.vis_about == Visibility.ONLY_ME
    assert profile.vis_skills == Visibility.CONNECTIONS
    assert profile.vis_links == Visibility.PUBLIC
    assert profile.listed is False
    for bad in ({"photo": "public"}, {"about": 7}, {"about": "friends"}, {"about": True}):
        with pytest.raises(Invalid):
            services.profile_update(profile=bob.profile, visibility=bad)


def test_saving_one_section_does_not_overwrite_another(bob):
    # Two tabs: each loaded the profile before the other saved.
    first = Profile.objects.get(pk=bob.pk)
    second = Profile.objects.get(pk=bob.pk)
    services.profile_update(profile=first, headline="From tab one")
    services.profile_update(profile=second, city="Beijing")
    profile = reload(bob)
    assert (profile.headline, profile.city) == ("From tab one", "Beijing")


# --- Experience and education ---------------------------------------------------------------


def test_experience_crud(bob):
    entry = services.experience_create(
        profile=bob.profile,
        data={"company": " Acme ", "title": "Engineer", "start_year": 2018, "end_year": None},
    )
    assert entry.company == "Acme" and entry.end_year is None
    services.experience_update(experience=entry, data={"end_year": 2021, "title": "Lead"})
    entry.refresh_from_db()
    assert (entry.title, entry.end_year) == ("Lead", 2021)
    services.experience_delete(experience=entry)
    assert not Experience.objects.filter(pk=entry.pk).exists()


def test_experience_end_before_start_is_refused(bob):
    with pytest.raises(Invalid) as exc:
        services.experience_create(
            profile=bob.profile,
            data={"company": "Acme", "title": "Engineer", "start_year": 2020, "end_year": 2019},
        )
    assert "end_year" in exc.value.fields
    entry = services.experience_create(
        profile=bob.profile, data={"company": "Acme", "title": "Engineer", "start_year": 2020}
    )
    with pytest.raises(Invalid):
        services.experience_update(experience=entry, data={"end_year": 2010})
    entry.refresh_from_db()
    assert entry.end_year is None


@pytest.mark.parametrize(
    "data",
    [
        {"title": "Engineer", "start_year": 2020},  # company missing
        {"company": "Acme", "title": "", "start_year": 2020},
        {"company": "Acme", "title": "Engineer"},  # start year missing
        {"company": "Acme", "title": "Engineer", "start_year": 1800},
        {"company": "Acme", "title": "Engineer", "start_year": 3000},
        {"company": "Acme", "title": "Engineer", "start_year": "soon"},
        {"company": "x" * 121, "title": "Engineer", "start_year": 2020},
        {"company": "Acme", "title": "Engineer", "start_year": 2020, "description": "x" * 2001},
        {"company": "Acme", "title": "Engineer", "start_year": 2020, "profile": 1},
    ],
)
def test_bad_experience_is_refused(bob, data):
    with pytest.raises(Invalid):
        services.experience_create(profile=bob.profile, data=data)
    assert not Experience.objects.filter(profile=bob.profile).exists()


def test_entry_counts_are_bounded(bob):
    for i in range(services.MAX_EXPERIENCES):
        services.experience_create(
            profile=bob.profile, data={"company": f"C{i}", "title": "T", "start_year": 2000}
        )
    with pytest.raises(TooManyEntries):
        services.experience_create(
            profile=bob.profile, data={"company": "One more", "title": "T", "start_year": 2000}
        )
    for i in range(services.MAX_EDUCATIONS):
        services.education_create(profile=bob.profile, data={"school": f"S{i}"})
    with pytest.raises(TooManyEntries):
        services.education_create(profile=bob.profile, data={"school": "One more"})


def test_education_crud_and_school_key(bob):
    entry = services.education_create(
        profile=bob.profile,
        data={
            "school": " Fudan   University ",
            "degree": "BSc",
            "start_year": 2010,
            "end_year": 2014,
        },
    )
    assert entry.school == "Fudan University" and entry.school_key == "fudan university"
    services.education_update(education=entry, data={"school": "复旦大学", "start_year": None})
    entry.refresh_from_db()
    assert entry.school_key == "复旦大学" and entry.start_year is None
    with pytest.raises(Invalid) as exc:
        services.education_update(education=entry, data={"start_year": 2015, "end_year": 2012})
    assert "end_year" in exc.value.fields
    services.education_delete(education=entry)
    assert not Education.objects.exists()


def test_entries_are_listed_current_first(bob):
    for start, end in ((2010, 2012), (2015, None), (2012, 2015)):
        services.experience_create(
            profile=bob.profile,
            data={"company": "C", "title": f"{start}", "start_year": start, "end_year": end},
        )
    titles = list(Experience.objects.filter(profile=bob.profile).values_list("title", flat=True))
    assert titles == ["2015", "2012", "2010"]
