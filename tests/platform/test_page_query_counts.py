"""Every page's query count, pinned (issue 7: "query counts per page asserted in tests:
all pages").

One signed-in member with a small but complete world (connections, a 2nd degree,
followers, invitations both ways, an introduction, notifications, skills and interests,
experience and education) opens every page a member can open with a GET. Each count is
asserted exactly on the second visit (the first fills caches such as the member count):
a change that adds a query to a page has to change the number here, on purpose.
Pages whose lists grow have their own "flat" tests next to them (directory, home,
suggestions, shared interests, introductions); this one covers every page once.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.accounts.models import Education, Experience, ProfileTag
from guanxi.network import services
from guanxi.network.introductions import services as introductions
from guanxi.network.suggestions.services import refresh_member
from tests.factories import make_member
from tests.network.suggestion_helpers import tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(alice, bob, carol, dave, eve):
    """alice (the viewer) is connected to bob and carol; dave is bob's connection (her
    2nd degree); eve asked alice to connect, alice asked a newcomer; alice follows
    dave, carol follows alice; bob introduced alice and dave."""
    newcomer = make_member("newcomer")
    services.connect_members(a=alice, b=bob)
    services.connect_members(a=alice, b=carol)
    services.connect_members(a=bob, b=dave)
    services.connection_request_send(sender=eve, recipient_id=alice.pk, note="Hello")
    services.connection_request_send(sender=alice, recipient_id=newcomer.pk)
    services.follow(follower=alice, followee_id=dave.pk)
    services.follow(follower=carol, followee_id=alice.pk)
    for member in (alice, bob, carol, dave):
        tag(member, "Edtech")
        tag(member, "Python", ProfileTag.Kind.SKILL)
    introductions.introduction_create(
        introducer=bob, a_id=alice.pk, b_id=dave.pk, note="You two should meet."
    )
    experience = Experience.objects.create(
        profile=alice.profile, company="Kunlun Cloud", title="Engineer", start_year=2020
    )
    education = Education.objects.create(
        profile=alice.profile, school="Fudan University", school_key="fudan university"
    )
    # Her suggestions stored, as the background refresh leaves them.
    refresh_member(alice.pk)
    return {
        "alice": alice,
        "bob": bob,
        "dave": dave,
        "experience": experience,
        "education": education,
    }


# (url name, kwargs from the world, query string, queries). Every named page a member
# opens with a GET; actions (POST only) and the unsubscribe link (a write) are not pages.
PAGES = [
    ("home", {}, {}, 17),  # the newest members and the suggestions: one pass of cards
    ("healthz", {}, {}, 0),
    ("readyz", {}, {}, 1),
    ("profile", {"handle": "bob"}, {}, 11),
    ("profile", {"handle": "alice"}, {}, 8),
    ("profile_edit", {}, {}, 7),
    ("profile_edit_section", {"section": "basics"}, {}, 4),
    ("profile_experience_add", {}, {}, 4),
    ("profile_experience_edit", {"entry_id": "experience"}, {}, 4),
    ("profile_education_add", {}, {}, 4),
    ("profile_education_edit", {"entry_id": "education"}, {}, 4),
    ("settings", {}, {}, 6),
    ("settings_tokens", {}, {}, 4),
    ("settings_delete", {}, {}, 3),
    ("directory", {}, {}, 7),
    ("directory", {}, {"skill": "python", "city": "shanghai"}, 9),
    ("place_suggest", {}, {"q": "shang"}, 3),
    ("network_connections", {}, {}, 9),
    ("network_invitations", {}, {}, 8),
    ("network_invitations_sent", {}, {}, 8),
    ("network_followers", {}, {}, 8),
    ("network_following", {}, {}, 8),
    ("network_privacy", {}, {}, 5),
    ("network_member_connections", {"handle": "bob"}, {}, 12),
    ("network_introduce", {}, {}, 6),
    ("network_introductions", {}, {}, 13),
    ("network_introduction_ask", {"user_id": "dave"}, {}, 13),
    ("network_introduction_ideas", {}, {}, 16),
    ("network_suggestions", {}, {}, 10),
    ("network_shared", {}, {}, 12),
    ("network_tag_members", {"tag": "edtech"}, {}, 13),
    ("notifications", {}, {}, 9),
    ("notification_settings", {}, {}, 5),
]


def _kwargs(world, kwargs: dict) -> dict:
    out = {}
    for key, value in kwargs.items():
        if key in ("entry_id", "user_id"):
            out[key] = world[value].pk
        else:
            out[key] = value
    return out


@pytest.mark.parametrize(
    ("name", "kwargs", "query", "expected"),
    PAGES,
    ids=[
        f"{name}{'-' + '-'.join(map(str, kw.values())) if kw else ''}{'-filtered' if q else ''}"
        for name, kw, q, _n in PAGES
    ],  # fmt: skip
)
def test_page_query_count(world, login, django_assert_num_queries, name, kwargs, query, expected):
    client = login(world["alice"])
    url = reverse(name, kwargs=_kwargs(world, kwargs))
    assert client.get(url, query).status_code == 200
    with django_assert_num_queries(expected):
        response = client.get(url, query)
    assert response.status_code == 200


def test_every_member_page_is_listed():
    """A new GET page joins PAGES (or is named here as not a page)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    not_pages = {
        # POST actions
        "settings_token_revoke", "settings_tokens_revoke_all", "profile_photo_remove",
        "profile_experience_delete", "profile_education_delete", "network_invitation_action",
        "network_connect", "network_remove", "network_follow", "network_unfollow",
        "network_block", "network_unblock", "network_introduction_answer",
        "network_suggestion_dismiss", "notifications_unsubscribe_undo",
        # a link from an email that acts when opened
        "notifications_unsubscribe",
    }  # fmt: skip

    def names(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                module = str(pattern.urlconf_name)
                if pattern.namespace == "admin" or "allauth" in module or "i18n" in module:
                    continue
                if str(pattern.pattern).startswith("api/"):
                    continue
                yield from names(pattern)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    listed = {name for name, _kw, _q, _n in PAGES}
    assert set(names(get_resolver())) - not_pages == listed
