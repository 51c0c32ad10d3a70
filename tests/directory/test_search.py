"""The directory search: filters, visibility, listing rules, sorting and the planner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.accounts.models import OpenTo, Profile
from guanxi.directory import query_plan, selectors
from guanxi.directory.selectors import DirectoryFilters, PageOutOfRange, directory_search
from tests.directory.conftest import (
    ALL_PUBLIC,
    CONNECTIONS,
    MEMBERS,
    ONLY_ME,
    PUBLIC,
    block,
    connect,
    member,
)

pytestmark = pytest.mark.django_db


def handles(viewer, page_size: int = 50, **filters) -> list[str]:
    result = directory_search(
        viewer=viewer, filters=DirectoryFilters(**filters), page=1, page_size=page_size
    )
    return [card.handle for card in result.items]


@pytest.fixture
def town(db):
    """Five members whose sections are all public, so every viewer may filter on them."""
    return {
        "alice": member(
            "alice",
            name="Alice Chen",
            skills=("Python", "数据分析"),
            interests=("Hiking",),
            school="Fudan University",
            city="Shanghai",
            company="Fudan Ventures",
            open_to=(OpenTo.MENTORING,),
            **ALL_PUBLIC,
        ),
        "bob": member(
            "bob",
            name="Bob Li",
            skills=("Go", "Python"),
            interests=("Tea culture",),
            school="Tsinghua University",
            city="Beijing",
            company="Kunlun Cloud",
            open_to=(OpenTo.HIRING, OpenTo.MENTORING),
            **ALL_PUBLIC,
        ),
        "carol": member(
            "carol",
            name="李伟",
            skills=("UX design",),
            interests=("Hiking", "摄影"),
            school="National University of Singapore",
            city="Singapore",
            company="Straits Bank",
            open_to=(OpenTo.HIRING,),
            **ALL_PUBLIC,
        ),
        "dave": member(
            "dave",
            name="Dave Zhang",
            skills=("Sales",),
            school="Fudan University",
            city="Shanghai",
            company="Kunlun Cloud",
            **ALL_PUBLIC,
        ),
        "erin": member("erin", name="Erin Wu", city="Shenzhen", **ALL_PUBLIC),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["alice", "bob", "dave", "erin", "carol"]),  # by name; 李伟 sorts after latin
        ({"skill": "python"}, ["alice", "bob"]),
        ({"skill": "数据分析"}, ["alice"]),
        ({"interest": "hiking"}, ["alice", "carol"]),
        ({"interest": "摄影"}, ["carol"]),
        ({"city": "shanghai"}, ["alice", "dave"]),
        ({"city": "shang"}, ["alice", "dave"]),  # the start of a city's name
        ({"city": "singapore"}, ["carol"]),
        ({"company": "kunlun cloud"}, ["bob", "dave"]),
        ({"company": "straits"}, ["carol"]),
        ({"school": "fudan"}, ["alice", "dave"]),
        ({"school": "national university of singapore"}, ["carol"]),
        ({"open_to": OpenTo.MENTORING}, ["alice", "bob"]),
        ({"open_to": OpenTo.HIRING}, ["bob", "carol"]),
        ({"open_to": OpenTo.SPEAKING}, []),
        ({"q": "bob"}, ["bob"]),  # display name
        ({"q": "dav"}, ["dave"]),  # handle or name prefix
        ({"q": "李"}, ["carol"]),
        ({"skill": "nobody-has-this"}, []),
    ],
)
def test_each_filter_alone(town, viewer, filters, expected):
    for who in (viewer, AnonymousUser()):
        found = handles(who, **filters)
        if not filters:
            found = [h for h in found if h != "viewer"]
        assert found == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"skill": "python", "city": "shanghai"}, ["alice"]),
        ({"skill": "python", "open_to": OpenTo.HIRING}, ["bob"]),
        ({"school": "fudan", "company": "kunlun"}, ["dave"]),
        ({"interest": "hiking", "city": "singapore", "open_to": OpenTo.HIRING}, ["carol"]),
        ({"skill": "python", "interest": "hiking", "school": "fudan"}, ["alice"]),
        ({"skill": "python", "city": "singapore"}, []),
        ({"q": "b", "skill": "go"}, ["bob"]),
    ],
)
def test_filters_combine(town, viewer, filters, expected):
    assert handles(viewer, **filters) == expected


@pytest.mark.parametrize("scan_cost", [0.0, 1e12])
@pytest.mark.parametrize(
    "filters",
    [
        {"skill": "python"},
        {"city": "shanghai"},
        {"school": "fudan", "company": "kunlun"},
        {"skill": "python", "interest": "hiking"},
        {"q": "d", "city": "shanghai"},
        {"open_to": OpenTo.MENTORING, "skill": "python"},
    ],
)
def test_both_plans_find_the_same_members(town, viewer, monkeypatch, scan_cost, filters):
    """Walking the sort index and driving from a filter's index must agree."""
    expected = handles(viewer, **filters)
    monkeypatch.setattr(query_plan, "ROW_COST_ORDERED_SCAN", scan_cost)
    assert handles(viewer, **filters) == expected
    assert handles(viewer, sort="newest", **filters) == sorted(
        expected, key=lambda h: -Profile.objects.get(user__username=h).created_at.timestamp()
    )


def test_sort_newest(viewer):
    now = timezone.now()
    for days, handle in ((3, "older"), (1, "newer"), (2, "middle")):
        user = member(handle, skills=("Go",))
        Profile.objects.filter(pk=user.pk).update(created_at=now - timedelta(days=days))
    assert handles(viewer, skill="go", sort="newest") == ["newer", "middle", "older"]
    assert handles(viewer, skill="go", sort="name") == ["middle", "newer", "older"]


def test_unlisted_and_inactive_members_are_not_listed(viewer):
    member("shown", skills=("Go",))
    member("hidden", skills=("Go",), listed=False)
    gone = member("gone", skills=("Go",))
    gone.is_active = False
    gone.save()
    assert handles(viewer, skill="go") == ["shown"]
    assert "hidden" not in handles(viewer) and "gone" not in handles(viewer)


# --- visibility -------------------------------------------------------------------------


def test_company_hidden_from_members_is_not_found_and_not_shown(viewer):
    member("open", company="Kunlun Cloud", vis_work=MEMBERS)
    secret = member("secret", company="Kunlun Cloud", vis_work=ONLY_ME)
    assert handles(viewer, company="kunlun") == ["open"]
    # Listed without the filter, but the card does not carry the company.
    cards = {c.handle: c for c in directory_search(viewer=viewer, filters=DirectoryFilters()).items}
    assert cards["secret"].company == ""
    assert cards["open"].company == "Kunlun Cloud"
    # The owner sees their own section.
    assert handles(secret, company="kunlun") == ["open", "secret"]


@pytest.mark.parametrize(
    ("field", "section_field", "filters"),
    [
        ("skills", "vis_skills", {"skill": "rust"}),
        ("interests", "vis_interests", {"interest": "chess"}),
        ("city", "vis_location", {"city": "hangzhou"}),
        ("company", "vis_work", {"company": "lotus"}),
        ("school", "vis_education", {"school": "zhejiang"}),
        ("open_to", "vis_open_to", {"open_to": OpenTo.SPEAKING}),
    ],
)
def test_each_section_filters_by_its_audience(viewer, field, section_field, filters):
    """Anonymous visitors match public sections only; members public and members;
    connections also connections-only; nobody else only-me."""
    data = {
        "skills": ("Rust",),
        "interests": ("Chess",),
        "city": "Hangzhou",
        "company": "Lotus Robotics",
        "school": "Zhejiang University",
        "open_to": (OpenTo.SPEAKING,),
    }
    for handle, level in (
        ("pub", PUBLIC),
        ("mem", MEMBERS),
        ("con", CONNECTIONS),
        ("me", ONLY_ME),
    ):
        user = member(handle, **data, **{section_field: level})
        if handle == "con":
            friend = user
    stranger = member("stranger")
    connect(viewer, friend)
    assert handles(AnonymousUser(), **filters) == ["pub"]
    assert handles(stranger, **filters) == ["mem", "pub"]
    assert handles(viewer, **filters) == ["con", "mem", "pub"]


def test_cards_show_only_visible_sections():
    member(
        "private",
        city="Hangzhou",
        company="Lotus Robotics",
        skills=("Rust",),
        open_to=(OpenTo.HIRING,),
        vis_location=MEMBERS,
        vis_work=CONNECTIONS,
        vis_skills=PUBLIC,
        vis_open_to=ONLY_ME,
    )
    anonymous = directory_search(viewer=AnonymousUser(), filters=DirectoryFilters()).items[0]
    assert (anonymous.city, anonymous.company, anonymous.skills, anonymous.open_to) == (
        "",
        "",
        ["Rust"],
        [],
    )
    someone = member("someone")
    seen = directory_search(viewer=someone, filters=DirectoryFilters(q="private")).items[0]
    assert (seen.city, seen.company, seen.open_to) == ("Hangzhou", "", [])


def test_blocked_members_are_not_listed(viewer):
    member("pest", skills=("Go",))
    nice = member("nice", skills=("Go",))
    block(User_by("pest"), viewer)
    assert handles(viewer, skill="go") == ["nice"]
    block(viewer, nice)
    assert handles(viewer, skill="go") == []
    assert handles(AnonymousUser(), skill="go") == []  # skills default to members


def User_by(handle):  # noqa: N802 - reads like a model lookup
    from guanxi.accounts.models import User

    return User.objects.get(username=handle)


# --- pages and counting --------------------------------------------------------------------


def test_pages_and_has_next(viewer):
    for i in range(5):
        member(f"go{i}", skills=("Go",))
    first = directory_search(viewer=viewer, filters=DirectoryFilters(skill="go"), page_size=2)
    assert (first.total, first.total_exact, first.num_pages, first.has_next) == (5, True, 3, True)
    last = directory_search(
        viewer=viewer, filters=DirectoryFilters(skill="go"), page=3, page_size=2
    )
    assert [c.handle for c in last.items] == ["go4"]
    assert not last.has_next and last.has_previous
    with pytest.raises(PageOutOfRange) as exc:
        directory_search(viewer=viewer, filters=DirectoryFilters(skill="go"), page=4, page_size=2)
    assert exc.value.last_page == 3


def test_count_stops_at_the_cap(viewer, monkeypatch):
    monkeypatch.setattr(query_plan, "COUNT_CAP", 4)
    for i in range(6):
        member(f"go{i}", skills=("Go",))
    result = directory_search(viewer=viewer, filters=DirectoryFilters(skill="go"), page_size=2)
    assert (result.total, result.total_is, result.num_pages) == (4, "at_least", 2)
    second = directory_search(
        viewer=viewer, filters=DirectoryFilters(skill="go"), page=2, page_size=2
    )
    assert [c.handle for c in second.items] == ["go2", "go3"]
    assert not second.has_next  # only the counted matches can be paged through


def test_a_driven_page_counts_while_it_sorts(viewer, monkeypatch):
    """A page that is driven whatever the count (here: walking made dear) is found and
    counted by one query; cap, last page and past-the-end behave as when counted first."""
    monkeypatch.setattr(query_plan, "ROW_COST_ORDERED_SCAN", 1e12)
    for i in range(6):
        member(f"go{i}", skills=("Go",))
    go = DirectoryFilters(skill="go")
    with CaptureQueriesContext(connection) as queries:
        first = directory_search(viewer=viewer, filters=go, page_size=4)
    assert (first.total, first.total_is, first.num_pages, first.has_next) == (6, "exact", 2, True)
    assert not any("COUNT(*) FROM" in q["sql"] for q in queries.captured_queries)
    second = directory_search(viewer=viewer, filters=go, page=2, page_size=4)
    assert [c.handle for c in second.items] == ["go4", "go5"] and not second.has_next
    with pytest.raises(PageOutOfRange) as exc:
        directory_search(viewer=viewer, filters=go, page=3, page_size=4)
    assert exc.value.last_page == 2
    monkeypatch.setattr(query_plan, "COUNT_CAP", 4)
    capped = directory_search(viewer=viewer, filters=go, page=2, page_size=2)
    assert (capped.total, capped.total_is, capped.num_pages) == (4, "at_least", 2)
    assert [c.handle for c in capped.items] == ["go2", "go3"] and not capped.has_next
    with pytest.raises(PageOutOfRange) as exc:
        directory_search(viewer=viewer, filters=go, page=3, page_size=2)
    assert exc.value.last_page == 2


def test_page_range_with_gaps():
    page = selectors.DirectoryPage(
        items=[], page=10, page_size=24, total=480, total_is="exact", num_pages=20, has_next=True
    )
    assert page.page_range == [1, None, 8, 9, 10, 11, 12, None, 20]


def test_searched_skill_comes_first_on_the_card(viewer):
    member("many", skills=("Go", "Rust", "SQL", "Python", "Excel", "Leadership"))
    card = directory_search(viewer=viewer, filters=DirectoryFilters(skill="python")).items[0]
    assert card.skills == ["Python", "Go", "Rust", "SQL"]


def test_newest_members_for_the_home_page(viewer):
    member("first", company="Kunlun Cloud", vis_work=MEMBERS)
    member("second", listed=False)
    member("third")
    newest = selectors.newest_members(AnonymousUser(), limit=5)
    assert [c.handle for c in newest] == ["third", "first", "viewer"]
    assert all(card.company == "" for card in newest)
    mine = selectors.newest_members(viewer, limit=5)
    assert [c.handle for c in mine] == ["third", "first"]  # not the viewer themself
    assert mine[1].company == "Kunlun Cloud"


def test_broad_combined_filters_are_estimated_from_a_sample(viewer, monkeypatch):
    """When even the narrowest of several filters has more candidates than the budget,
    the count looks at a sample of them and says "about"."""
    monkeypatch.setattr(query_plan, "COUNT_BUDGET", 8)
    for i in range(30):
        member(f"sh{i:02d}", city="Shanghai", skills=("Go",) if i % 3 == 0 else ("Rust",))
    filters = DirectoryFilters(city="shanghai", skill="go")
    result = directory_search(viewer=viewer, filters=filters, page_size=5)
    assert result.total_is == "about"
    assert 5 <= result.total <= 20  # 10 of the 30 match
    assert [c.handle for c in result.items] == ["sh00", "sh03", "sh06", "sh09", "sh12"]
    # Paging still follows the real matches; a page past them says where the end is.
    with pytest.raises(PageOutOfRange) as exc:
        directory_search(viewer=viewer, filters=filters, page=result.num_pages + 1, page_size=5)
    assert exc.value.last_page == result.num_pages
    # One filter alone is counted (up to the cap), never estimated.
    alone = directory_search(viewer=viewer, filters=DirectoryFilters(city="shanghai"))
    assert (alone.total, alone.total_is) == (30, "exact")


def test_a_first_sample_far_over_the_cap_is_enough(viewer, monkeypatch):
    """The sample starts small: when it already shows twice the cap, the rest of the
    budget is not examined (one sample query, not two)."""
    for name, value in (("COUNT_CAP", 4), ("COUNT_BUDGET", 12), ("FIRST_SAMPLE", 6)):
        monkeypatch.setattr(query_plan, name, value)
    monkeypatch.setattr(query_plan, "FIRST_SAMPLE_MIN_HITS", 2)
    for i in range(30):
        member(f"sh{i:02d}", city="Shanghai", skills=("Go",) if i % 3 else ("Rust",))
    filters = DirectoryFilters(city="shanghai", skill="go")
    with CaptureQueriesContext(connection) as queries:
        result = directory_search(viewer=viewer, filters=filters, page_size=2)
    assert (result.total, result.total_is) == (4, "at_least")
    assert sum("SUM(" in q["sql"] for q in queries.captured_queries) == 1
    assert [c.handle for c in result.items] == ["sh01", "sh02"]
    # Not far enough over the cap: the whole budget is examined.
    monkeypatch.setattr(query_plan, "COUNT_CAP", 40)
    with CaptureQueriesContext(connection) as queries:
        result = directory_search(viewer=viewer, filters=filters, page_size=2)
    assert result.total_is == "about"
    assert sum("SUM(" in q["sql"] for q in queries.captured_queries) == 2


def test_estimate_falls_back_to_counting_when_the_sample_has_no_match(viewer, monkeypatch):
    monkeypatch.setattr(query_plan, "COUNT_BUDGET", 5)
    for i in range(12):
        member(f"sh{i:02d}", city="Shanghai", skills=("Go",) if i == 11 else ("Rust",))
    result = directory_search(viewer=viewer, filters=DirectoryFilters(city="shanghai", skill="go"))
    assert (result.total, result.total_is) == (1, "exact")
    assert [c.handle for c in result.items] == ["sh11"]


def test_round_estimate():
    assert [query_plan._round_estimate(v) for v in (0.4, 7.4, 99, 1317, 54321)] == [
        1,
        7,
        99,
        1300,
        54000,
    ]


def test_connections_are_matched_with_a_semi_join(viewer):
    """The "connections" audience is a probe of the connections table per row (EXISTS),
    never a list of the viewer's connection ids, and it finds the connection and only
    them."""
    from guanxi.accounts.models import Profile
    from guanxi.accounts.visibility import audience_of
    from guanxi.network.models import Connection

    friend = member("friend", company="Lotus Robotics", vis_work=CONNECTIONS)
    member("stranger", company="Lotus Robotics", vis_work=CONNECTIONS)
    connect(viewer, friend)
    sql = str(Profile.objects.filter(audience_of(viewer).q("work")).query)
    assert Connection._meta.db_table in sql and f"({friend.pk})" not in sql
    assert f"IN ({friend.pk}" not in sql and "EXISTS" in sql
    assert handles(viewer, company="lotus") == ["friend"]


def _crowd(count: int, **profile_fields) -> list[int]:
    """`count` listed members in two bulk inserts (no email, no tags): their ids."""
    from guanxi.accounts.models import User

    start = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"crowd{start + n}", email=f"crowd{start + n}@example.com")
        for n in range(count)
    )
    Profile.objects.bulk_create(
        Profile(user_id=user.pk, display_name=f"Crowd {user.pk}", name_key=f"crowd {user.pk}",
                **profile_fields)
        for user in users
    )  # fmt: skip
    return [user.pk for user in users]


def test_a_viewer_with_more_connections_than_the_old_id_cap_sees_the_right_sections():
    """Up to 2,000 connection ids used to be written into the SQL: a viewer with more
    connections sees the connections-only sections of every one of them, whichever
    side of the stored pair they are on, and of nobody else, in the same number of
    queries as a viewer with one connection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.accounts.visibility import audience_of
    from guanxi.network.models import Connection

    # A lower id than the viewer's, stored as (below, viewer); the crowd as (viewer, them).
    below = member("below", company="Lotus Robotics", vis_work=CONNECTIONS)
    viewer = member("viewer", name="Viewer Person")
    lotus = {"company": "Lotus Robotics", "company_key": "lotus robotics", "vis_work": CONNECTIONS}
    crowd = _crowd(2100, **lotus)
    strangers = _crowd(5, **lotus)
    Connection.objects.bulk_create(
        Connection(user_low_id=viewer.pk, user_high_id=pk) for pk in crowd
    )
    connect(viewer, below)
    lonely = member("lonely")
    connect(lonely, below)
    assert below.pk < viewer.pk < crowd[0]

    everyone = Profile.objects.filter(company_key="lotus robotics")
    seen = set(everyone.filter(audience_of(viewer).q("work")).values_list("pk", flat=True))
    assert seen == {below.pk, *crowd}
    cards = selectors.member_cards_of(
        everyone.filter(pk__in=[below.pk, crowd[-1], strangers[0]]).order_by("pk"), viewer=viewer
    )
    assert [card.company for card in cards] == ["Lotus Robotics", "Lotus Robotics", ""]

    found = directory_search(viewer=viewer, filters=DirectoryFilters(company="lotus"), page_size=24)
    assert (found.total, found.total_is) == (query_plan.COUNT_CAP, query_plan.AT_LEAST)
    assert all(card.company == "Lotus Robotics" for card in found.items)
    assert not {card.id for card in found.items} & set(strangers)
    newest = directory_search(
        viewer=viewer, filters=DirectoryFilters(company="lotus", sort="newest"), page_size=24
    )
    assert newest.items[0].id == crowd[-1]  # the last connection counts like the first

    with CaptureQueriesContext(connection) as hub:
        handles(viewer, company="lotus")
    with CaptureQueriesContext(connection) as few:
        assert handles(lonely, company="lotus") == ["below"]
    assert len(hub) == len(few)
