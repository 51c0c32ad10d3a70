"""A small, believable community for the browser tests and their screenshots."""

from __future__ import annotations

from guanxi.accounts import services
from guanxi.accounts.models import OpenTo, User
from guanxi.accounts.visibility import Visibility
from guanxi.network import services as network_services
from guanxi.network.introductions import services as introductions
from guanxi.network.suggestions.services import refresh_member
from tests.factories import fill_profile, make_member

PEOPLE = [
    (
        "weili",
        "Li Wei",
        "Data engineer",
        "Shanghai",
        "China",
        "Ctrip",
        ["Python", "数据分析", "Spark"],
    ),
    ("mzhang", "张敏", "产品经理", "Beijing", "China", "ByteDance", ["Product management", "UX"]),
    (
        "sofia",
        "Sofia Rossi",
        "Founder, Ponte Studio",
        "Milan",
        "Italy",
        "Ponte Studio",
        ["Design", "Python"],
    ),
    (
        "jchen",
        "James Chen",
        "Investment analyst",
        "Hong Kong",
        "China",
        "HSBC",
        ["Finance", "数据分析"],
    ),
    (
        "amira",
        "Amira Haddad",
        "Community manager",
        "London",
        "United Kingdom",
        "Guild",
        ["Events", "Public speaking"],
    ),
    ("tanaka", "Tanaka Yui", "Mobile developer", "Tokyo", "Japan", "Mercari", ["Kotlin", "Swift"]),
]


def build_alice(alice: User) -> User:
    """Alice's profile with something in every section, sections at mixed audiences."""
    fill_profile(
        alice,
        headline="Community builder and data person",
        about=(
            "I connect **founders, engineers and investors** across Shanghai and Singapore.\n\n"
            "- Organiser of the Fudan alumni tech evenings\n- Mentor at Women in Data"
        ),
        city="Shanghai",
        country="China",
        company="Fudan Ventures",
        position="Head of community",
        skills=["Community building", "Python", "数据分析"],
        interests=["Tea", "Hiking", "开源"],
        languages=["English", "中文"],
        open_to=[OpenTo.MENTORING, OpenTo.COLLABORATIONS, OpenTo.SPEAKING],
        links=[{"label": "Blog", "url": "https://alice.example.org"}],
        visibility={"about": Visibility.PUBLIC, "skills": Visibility.MEMBERS},
    )
    profile = alice.profile
    services.experience_create(
        profile=profile,
        data={"company": "Fudan Ventures", "title": "Head of community", "start_year": 2021},
    )
    services.experience_create(
        profile=profile,
        data={
            "company": "Alibaba",
            "title": "Data analyst",
            "start_year": 2016,
            "end_year": 2021,
            "location": "Hangzhou",
        },
    )
    services.education_create(
        profile=profile,
        data={
            "school": "Fudan University",
            "degree": "MSc",
            "field": "Statistics",
            "end_year": 2016,
        },
    )
    return alice


def build_community() -> list[User]:
    members = []
    for handle, name, headline, city, country, company, skills in PEOPLE:
        user = make_member(handle, display_name=name)
        fill_profile(
            user,
            headline=headline,
            city=city,
            country=country,
            company=company,
            skills=skills,
            open_to=[OpenTo.COLLABORATIONS],
        )
        members.append(user)
    return members


def build_network(alice: User) -> dict[str, User]:
    """Alice in the community with a network: two connections (Li Wei, Sofia), a 2nd-degree
    suggestion (James, through Sofia), an invitation from Amira, one she sent to Tanaka,
    someone she follows (张敏), an introduction she made and an API token."""
    build_alice(alice)
    people = {user.username: user for user in build_community()}
    for handle in ("weili", "sofia"):
        outcome = network_services.connection_request_send(
            sender=alice, recipient_id=people[handle].pk
        )
        network_services.connection_request_accept(
            user=people[handle], request_id=outcome.request.pk
        )
    outcome = network_services.connection_request_send(
        sender=people["sofia"], recipient_id=people["jchen"].pk
    )
    network_services.connection_request_accept(user=people["jchen"], request_id=outcome.request.pk)
    network_services.connection_request_send(
        sender=people["amira"], recipient_id=alice.pk, note="Loved your talk at the alumni evening!"
    )
    network_services.connection_request_send(sender=alice, recipient_id=people["tanaka"].pk)
    network_services.follow(follower=alice, followee_id=people["mzhang"].pk)
    introductions.introduction_create(
        introducer=alice,
        a_id=people["weili"].pk,
        b_id=people["sofia"].pk,
        note="You both love Python and good design: talk!",
    )
    services.access_token_create(user=alice, name="Quarterly reporting script (laptop)")
    refresh_member(alice.pk)
    return people
