"""Every profile section × audience level × kind of viewer, through every consumer of the
rule, so that none of them can disagree with accounts.visibility.

alice owns the profile: every section is "only me" except the one under test, set to
the level under test. The viewers: a visitor, bob (a member, not connected; dave is a
connection they share), carol (alice's connection), alice herself, and eve (blocked by
alice). Each consumer must answer what `Audience.sees` answers:

- the profile page and the profile API (every section);
- the directory: filtering on the section, and the card's fields (the SQL form);
- member cards in the API (accounts.member_cards, the Python form);
- people you may know (bob) and introduction ideas (carol, who knows alice and bob):
  reasons are read by members who are not connected to alice, so they use the
  EVERY_MEMBER audience: a reason may only be what every member sees;
- members who share a skill or interest.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from guanxi.accounts import services
from guanxi.accounts.models import SECTION_KEYS, OpenTo, Profile
from guanxi.accounts.visibility import EVERY_MEMBER, Visibility, audience_of
from guanxi.network import services as network
from guanxi.network.introductions.ideas import introduction_ideas
from guanxi.network.suggestions import selectors as served
from guanxi.network.suggestions.shared_interests import find_tag, members_sharing_tag

ROLES = ("anonymous", "member", "connection", "self", "blocked")

# A marker on the page per section, and the profile API's field for it.
PAGE = {
    "about": ("Aboutmarker", "about_html"),
    "location": ("Lhasa", "location"),
    "work": ("Companymarker", "work"),
    "experience": ("Experiencemarker", "experience"),
    "education": ("Schoolmarker", "education"),
    "skills": ("Skillmarker", "skills"),
    "interests": ("Interestmarker", "interests"),
    "languages": ("Languagemarker", "languages"),
    "open_to": ("Mentoring others", "open_to"),
    "links": ("linkmarker.example.com", "links"),
}
assert set(PAGE) == set(SECTION_KEYS)

# The directory's filter on a section.
FILTER = {
    "location": {"city": "lhasa"},
    "work": {"company": "companymarker"},
    "education": {"school": "schoolmarker"},
    "skills": {"skill": "skillmarker"},
    "interests": {"interest": "interestmarker"},
    "open_to": {"open_to": "mentoring"},
}
# What a card shows of a section (API field, value when shown; hidden: null or []).
CARD = {
    "location": ("city", "Lhasa"),
    "work": ("company", "Companymarker"),
    "skills": ("skills", ["Skillmarker"]),
    "open_to": ("open_to", ["mentoring"]),
}
# The reason a shared section gives (bob and alice share every trait).
REASON = {
    "location": "both in Lhasa",
    "work": "both at Companymarker",
    "education": "both studied at Schoolmarker University",
    "skills": "both skilled in #Skillmarker",
    "interests": "both interested in #Interestmarker",
    "open_to": "a mentor and someone looking for one",
}
SHARED_TAG = {"skills": "skillmarker", "interests": "interestmarker"}


def _traits(user, *, open_to, visibility):
    services.profile_update(
        profile=user.profile,
        city="Lhasa",
        country="China",
        company="Companymarker",
        position="Founder",
        skills=["Skillmarker"],
        interests=["Interestmarker"],
        open_to=[open_to],
        visibility=visibility,
    )
    services.education_create(profile=user.profile, data={"school": "Schoolmarker University"})


@pytest.fixture
def cast(alice, bob, carol, dave, eve):
    hidden = {key: Visibility.ONLY_ME for key in SECTION_KEYS}
    _traits(alice, open_to=OpenTo.MENTORING, visibility=hidden)
    services.profile_update(
        profile=alice.profile,
        about="I am **Aboutmarker**.",
        languages=["Languagemarker"],
        links=[{"label": "Site", "url": "https://linkmarker.example.com/"}],
    )
    services.experience_create(
        profile=alice.profile,
        data={"company": "Acme", "title": "Experiencemarker", "start_year": 2020},
    )
    shown = {key: Visibility.MEMBERS for key in SECTION_KEYS}
    for other in (bob, carol, eve):
        _traits(other, open_to=OpenTo.BEING_MENTORED, visibility=shown)
    network.connect_members(a=alice, b=carol)
    network.connect_members(a=carol, b=bob)  # carol may introduce alice and bob
    network.connect_members(a=alice, b=dave)
    network.connect_members(a=bob, b=dave)  # bob reaches alice through dave and carol
    network.block(blocker=alice, blocked_id=eve.pk)
    return {"anonymous": None, "member": bob, "connection": carol, "self": alice, "blocked": eve}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _expected(role: str, viewer, level: int, owner_id: int) -> bool:
    """The rule's answer (a block hides everything, whatever the level)."""
    if role == "blocked":
        return False
    audience = audience_of(viewer)
    return audience.sees(level, owner_id, connected=role == "connection")


@pytest.mark.parametrize("level", list(Visibility), ids=lambda v: v.name.lower())
@pytest.mark.parametrize("section", SECTION_KEYS)
def test_every_consumer_answers_what_the_rule_answers(section, level, cast, alice):
    Profile.objects.filter(pk=alice.pk).update(**{f"vis_{section}": level})
    marker, api_field = PAGE[section]
    for role in ROLES:
        viewer = cast[role]
        client = _client(viewer)
        sees = _expected(role, viewer, level, alice.pk)
        where = (section, level.name, role)

        # The Python and the SQL form agree.
        if role != "blocked":
            audience = audience_of(viewer or AnonymousUser())
            in_sql = Profile.objects.filter(audience.q(section), pk=alice.pk).exists()
            assert in_sql is sees, where

        # The profile page and the API (a block: no such member).
        page = client.get(f"/@{alice.username}/")
        response = client.get(f"/api/v1/profiles/{alice.username}")
        if role == "blocked":
            assert page.status_code == response.status_code == 404, where
        else:
            assert (marker in page.content.decode()) is sees, where
            assert (response.json()[api_field] is not None) is sees, where

        # The directory's filter (SQL) and its cards (member_cards).
        if section in FILTER:
            found = client.get("/api/v1/members", FILTER[section]).json()["items"]
            assert ("alice" in [item["handle"] for item in found]) is sees, where
        if section in CARD:
            items = client.get("/api/v1/members", {"q": "alice"}).json()["items"]
            card = next((item for item in items if item["handle"] == "alice"), None)
            if role == "blocked":
                assert card is None, where
            else:
                name, value = CARD[section]
                assert (card[name] == value) is sees, where
                assert card[name] in ((value, None, []) if sees else (None, [])), where

        # Shared skills and interests (members only; never yourself).
        if section in SHARED_TAG and role in ("member", "connection", "blocked"):
            page_of = members_sharing_tag(viewer, find_tag(SHARED_TAG[section]))
            listed = [item.member.id for item in page_of.object_list]
            assert (alice.pk in listed) is sees, where

    if section in REASON:
        said = REASON[section] in _reasons_for_bob(cast["member"], alice)
        # Never more than the member reading it may see, and only what every member sees.
        assert said is EVERY_MEMBER.sees(level, alice.pk), (section, level.name)
        assert not said or _expected("member", cast["member"], level, alice.pk)
        ideas = introduction_ideas(user=cast["connection"])
        idea = next((i for i in ideas if {i.a.id, i.b.id} == {alice.pk, cast["member"].pk}), None)
        said = idea is not None and REASON[section] in idea.reasons
        assert said is EVERY_MEMBER.sees(level, alice.pk), (section, level.name)


def _reasons_for_bob(bob, alice) -> list[str]:
    found = served.suggestions_for(bob)
    card = next((c for c in found if c.member.id == alice.pk), None)
    assert card is not None  # dave and carol make alice bob's 2nd degree
    return card.reasons
