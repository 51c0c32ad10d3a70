"""Introduction ideas on small hand-built graphs where the right answer is known."""

from __future__ import annotations

import pytest

from guanxi.accounts.models import Education, OpenTo, Profile, ProfileTag, Tag, normalize_text
from guanxi.accounts.visibility import Visibility
from guanxi.network import services
from guanxi.network.introductions import selectors as intro_selectors
from guanxi.network.introductions import services as intro
from guanxi.network.introductions.ideas import connection_groups, pair_of, score_groups
from guanxi.network.models import ConnectionRequest, Introduction
from tests.factories import make_member

pytestmark = [pytest.mark.django_db]


def tag(member, name, kind=ProfileTag.Kind.INTEREST):
    found, _ = Tag.objects.get_or_create(key=normalize_text(name), defaults={"name": name})
    ProfileTag.objects.create(profile_id=member.pk, tag=found, kind=kind)


def person(handle, **profile):
    if "company" in profile:
        profile["company_key"] = normalize_text(profile["company"])
    if "city" in profile:
        profile["city_key"] = normalize_text(profile["city"])
    return make_member(handle, display_name=handle.capitalize(), **profile)


def link(first, *others):
    for other in others:
        services.connect_members(a=first, b=other)


@pytest.fixture
def hub():
    """Hub is connected to six people; Mei and Tao share the most."""
    hub = person("hub")
    mei = person("mei", company="Fudan Ventures", city="Shanghai")
    tao = person("tao", company="Fudan Ventures", city="Shanghai")
    lin = person("lin", city="Shanghai")
    jun = person("jun", city="Shanghai")
    ana = person("ana", open_to=OpenTo.HIRING)
    kai = person("kai", open_to=OpenTo.NEW_JOB)
    for member in (mei, tao):
        tag(member, "edtech")
        tag(member, "Python", ProfileTag.Kind.SKILL)
    Education.objects.create(profile_id=mei.pk, school="Fudan University", school_key="fudan")
    Education.objects.create(profile_id=tao.pk, school="Fudan University", school_key="fudan")
    link(hub, mei, tao, lin, jun, ana, kai)
    return {m.username: m for m in (hub, mei, tao, lin, jun, ana, kai)}


def pairs(ideas):
    return [{idea.a.handle, idea.b.handle} for idea in ideas]


def test_the_pair_sharing_the_most_comes_first_with_its_reasons(hub):
    ideas = intro_selectors.introduction_ideas(user=hub["hub"])
    assert pairs(ideas)[0] == {"mei", "tao"}
    best = ideas[0]
    assert best.reasons == [
        "both at Fudan Ventures",
        "both studied at Fudan University",
        "both interested in #edtech",
    ]
    assert best.note.startswith("I think you two should meet: both at Fudan Ventures")
    # Complementary needs make a pair; a city alone makes a weaker one.
    assert {"ana", "kai"} in pairs(ideas)
    ana_kai = next(i for i in ideas if {i.a.handle, i.b.handle} == {"ana", "kai"})
    assert ana_kai.reasons == ["one is hiring, the other is looking"]
    assert pairs(ideas).index({"ana", "kai"}) < pairs(ideas).index({"lin", "jun"})
    # Pairs with nothing in common are not ideas.
    assert {"ana", "mei"} not in pairs(ideas)
    scores = [idea.score for idea in ideas]
    assert scores == sorted(scores, reverse=True)


def test_connected_blocked_introduced_and_requested_pairs_are_left_out(hub):
    h = hub
    everything = pairs(intro_selectors.introduction_ideas(user=h["hub"], limit=50))
    assert {"mei", "tao"} in everything and {"lin", "jun"} in everything
    services.connect_members(a=h["mei"], b=h["tao"])
    services.block(blocker=h["lin"], blocked_id=h["jun"].pk)
    after = pairs(intro_selectors.introduction_ideas(user=h["hub"], limit=50))
    assert {"mei", "tao"} not in after and {"lin", "jun"} not in after
    assert {"mei", "lin"} in after  # Shanghai; Lin's block only hides Jun

    intro.introduction_create(introducer=h["hub"], a_id=h["ana"].pk, b_id=h["kai"].pk, note="Hi")
    services.connection_request_send(sender=h["mei"], recipient_id=h["lin"].pk)
    after = pairs(intro_selectors.introduction_ideas(user=h["hub"], limit=50))
    assert {"ana", "kai"} not in after and {"mei", "lin"} not in after
    assert ConnectionRequest.objects.count() == 1 and Introduction.objects.count() == 1


def test_a_blocked_pair_is_left_out_whoever_blocked(hub):
    services.block(blocker=hub["jun"], blocked_id=hub["lin"].pk)
    assert {"lin", "jun"} not in pairs(
        intro_selectors.introduction_ideas(user=hub["hub"], limit=50)
    )


def test_members_introduced_enough_this_week_are_left_out(settings, hub):
    settings.GUANXI_INTRODUCTIONS_PER_WEEK = 1
    h = hub
    intro.introduction_create(introducer=h["hub"], a_id=h["mei"].pk, b_id=h["kai"].pk, note="Hi")
    after = pairs(intro_selectors.introduction_ideas(user=h["hub"], limit=50))
    assert not [pair for pair in after if "mei" in pair or "kai" in pair]
    assert {"lin", "jun"} in after


def test_hidden_sections_do_not_count(hub):
    Profile.objects.filter(user=hub["tao"]).update(
        vis_interests=Visibility.ONLY_ME,
        vis_work=Visibility.CONNECTIONS,
        vis_skills=Visibility.ONLY_ME,
        vis_education=Visibility.ONLY_ME,
    )
    ideas = intro_selectors.introduction_ideas(user=hub["hub"], limit=50)
    mei_tao = next(i for i in ideas if {i.a.handle, i.b.handle} == {"mei", "tao"})
    assert mei_tao.reasons == ["both in Shanghai"]


def test_a_pair_sharing_only_hidden_traits_is_no_idea(hub):
    assert {"lin", "jun"} in pairs(intro_selectors.introduction_ideas(user=hub["hub"], limit=50))
    Profile.objects.filter(user=hub["jun"]).update(vis_location=Visibility.CONNECTIONS)
    Profile.objects.filter(user=hub["kai"]).update(vis_open_to=Visibility.ONLY_ME)
    after = pairs(intro_selectors.introduction_ideas(user=hub["hub"], limit=50))
    assert {"lin", "jun"} not in after and {"ana", "kai"} not in after


def test_a_rare_shared_interest_outweighs_a_common_one():
    hub = person("hub")
    crowd = [person(f"crowd{i}") for i in range(8)]
    for member in crowd:
        tag(member, "startups")
    rare_a, rare_b = person("rarea"), person("rareb")
    tag(rare_a, "calligraphy")
    tag(rare_b, "calligraphy")
    link(hub, rare_a, rare_b, *crowd)
    ideas = intro_selectors.introduction_ideas(user=hub, limit=3)
    assert pairs(ideas)[0] == {"rarea", "rareb"}
    assert ideas[0].reasons == ["both interested in #calligraphy"]


def test_limit_and_small_networks(hub):
    assert len(intro_selectors.introduction_ideas(user=hub["hub"], limit=2)) == 2
    assert intro_selectors.introduction_ideas(user=hub["hub"], limit=0) == []
    loner, friend = person("loner"), person("friend")
    assert intro_selectors.introduction_ideas(user=loner) == []
    link(loner, friend)
    assert intro_selectors.introduction_ideas(user=loner) == []


def test_inactive_connections_are_not_suggested(hub):
    hub["tao"].is_active = False
    hub["tao"].save(update_fields=["is_active"])
    assert not [
        p
        for p in pairs(intro_selectors.introduction_ideas(user=hub["hub"], limit=50))
        if "tao" in p
    ]


def test_the_work_is_capped_by_a_budget_smallest_groups_first():
    hub = person("hub")
    crowd = [person(f"c{i}", city="Beijing") for i in range(30)]
    duo = [person("duoa", city="Beijing"), person("duob", city="Beijing")]
    for member in duo:
        tag(member, "go")
    link(hub, *crowd, *duo)
    groups = connection_groups(hub.pk)
    full = score_groups(groups)
    assert len(full) == 32 * 31 // 2
    capped = score_groups(groups, budget=10)
    # The 496-pair city group does not fit: only the pair sharing a tag was scored.
    assert [pair_of(key) for key in capped] == [tuple(sorted(m.pk for m in duo))]


def test_ideas_use_a_bounded_number_of_queries(django_assert_max_num_queries):
    hub = person("hub")
    people = [person(f"p{i}", city="Shanghai" if i % 2 else "Beijing") for i in range(40)]
    for i, member in enumerate(people):
        tag(member, f"topic{i % 5}")
    link(hub, *people)
    # The member cards of the pairs shown take two of them (profiles, skills).
    with django_assert_max_num_queries(13):
        ideas = intro_selectors.introduction_ideas(user=hub, limit=10)
    assert len(ideas) == 10


def test_ideas_come_from_the_most_recent_connections(monkeypatch):
    """A capped ranking: only the CONNECTIONS_READ_MAX most recent connections are
    paired, so a member with thousands costs what one with a few hundred does."""
    from datetime import timedelta

    from django.utils import timezone

    from guanxi.network.introductions import ideas
    from guanxi.network.models import Connection

    hub = person("hub")
    old = [person(f"old{i}", company="Fudan Ventures", city="Shanghai") for i in range(2)]
    new = [person(f"new{i}", city="Beijing") for i in range(2)]
    link(hub, *old, *new)
    long_ago = timezone.now() - timedelta(days=400)
    for member in old:
        Connection.objects.filter(
            user_low_id=min(hub.pk, member.pk), user_high_id=max(hub.pk, member.pk)
        ).update(created_at=long_ago)
    assert pairs(intro_selectors.introduction_ideas(user=hub)) == [
        {"old0", "old1"},
        {"new0", "new1"},
    ]
    monkeypatch.setattr(ideas, "CONNECTIONS_READ_MAX", 2)
    assert pairs(intro_selectors.introduction_ideas(user=hub)) == [{"new0", "new1"}]
