"""Introduction pages: introduce, received and made, answers (plain and htmx), ideas."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.accounts.models import Profile
from guanxi.network import selectors, services
from guanxi.network.introductions import services as intro
from guanxi.network.models import Introduction
from guanxi.places.selectors import place_id_for_text
from tests.factories import make_member

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def trio(alice, bob, carol):
    services.connect_members(a=alice, b=bob)
    services.connect_members(a=alice, b=carol)
    Profile.objects.filter(user__in=[bob, carol]).update(
        city="Shenzhen", city_key="shenzhen", place_id=place_id_for_text("Shenzhen")
    )
    return alice, bob, carol


def introduce(introducer, a, b, note="Both of you organise meetups in Shenzhen."):
    return intro.introduction_create(introducer=introducer, a_id=a.pk, b_id=b.pk, note=note)


def answer_url(made, answer):
    return reverse(
        "network_introduction_answer", kwargs={"introduction_id": made.pk, "answer": answer}
    )


def test_pages_need_a_login(client):
    for name in ("network_introduce", "network_introductions", "network_introduction_ideas"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_introduce_form_prefills_the_pair_and_a_note(trio, login):
    alice, bob, carol = trio
    page = login(alice).get(reverse("network_introduce"), {"a": bob.pk, "b": carol.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{bob.pk}" selected>Bob Li (@bob)</option>' in html
    assert f'<option value="{carol.pk}" selected>Carol Wang (@carol)</option>' in html
    assert "I think you two should meet: both in Shenzhen." in html


def test_introduce_ignores_a_prefill_of_strangers_and_garbage(trio, dave, login):
    alice, _bob, _carol = trio
    page = login(alice).get(reverse("network_introduce"), {"a": dave.pk, "b": "x"})
    assert login(alice).get(reverse("network_introduce"), {"a": 10**30}).status_code == 200
    huge = login(alice).post(reverse("network_introduce"), {"a": 10**30, "b": 1, "note": "x"})
    assert huge.status_code == 200 and "Choose one of your connections." in huge.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    assert "Dave Zhang" not in html and "selected>" not in html.split('name="a"')[1][:400]


def test_introduce_search_narrows_the_choices(trio, login):
    alice, bob, carol = trio
    page = login(alice).get(reverse("network_introduce"), {"q": "carol", "a": bob.pk})
    html = page.content.decode()
    assert "Carol Wang (@carol)" in html
    # Bob stays available because he is already chosen.
    assert f'<option value="{bob.pk}" selected>' in html


def test_introduce_sends_and_redirects_to_made(trio, login):
    alice, bob, carol = trio
    client = login(alice)
    response = client.post(
        reverse("network_introduce"), {"a": bob.pk, "b": carol.pk, "note": "Meet, please."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("network_introductions") + "?show=made"
    made = Introduction.objects.get()
    assert made.introducer == alice and made.note == "Meet, please."
    page = client.get(response["Location"]).content.decode()
    assert "Introduction sent." in page and "Meet, please." in page and "Waiting" in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same", "Choose two different people."),
        ("stranger", "Choose one of your connections."),
        ("long", "Ensure this value has at most 500 characters"),
        ("empty", "This field is required."),
        ("blocked", "You can&#x27;t introduce these two."),
        ("connected", "These two are already connected."),
    ],
)
def test_introduce_form_errors(trio, dave, login, case, message):
    alice, bob, carol = trio
    data = {"a": bob.pk, "b": carol.pk, "note": "Hello"}
    if case == "same":
        data["b"] = bob.pk
    elif case == "stranger":
        data["b"] = dave.pk
    elif case == "long":
        data["note"] = "x" * 501
    elif case == "empty":
        data["note"] = ""
    elif case == "blocked":
        services.block(blocker=bob, blocked_id=carol.pk)
    elif case == "connected":
        services.connect_members(a=bob, b=carol)
    response = login(alice).post(reverse("network_introduce"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    form = html[html.index('<form method="post" action="/network/introduce/') :]
    assert "block" not in form[: form.index("</form>")].lower()
    assert not Introduction.objects.exists()


def test_introduce_weekly_limit_message(settings, trio, login, dave):
    settings.GUANXI_INTRODUCTIONS_PER_WEEK = 1
    alice, bob, carol = trio
    services.connect_members(a=alice, b=dave)
    introduce(alice, bob, dave)
    response = login(alice).post(
        reverse("network_introduce"), {"a": bob.pk, "b": carol.pk, "note": "Hi"}
    )
    assert "Bob Li has had several introductions this week" in response.content.decode()
    assert Introduction.objects.count() == 1


def test_received_page_shows_note_other_and_buttons(trio, login):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    html = login(bob).get(reverse("network_introductions")).content.decode()
    assert f'id="introduction-{made.pk}"' in html
    assert "introduced you to <strong>Carol Wang</strong>" in html
    assert "Product designer" in html and "both in Shenzhen" in html
    assert "Both of you organise meetups in Shenzhen." in html
    assert answer_url(made, "accept") in html and answer_url(made, "decline") in html


def test_accept_accept_through_the_pages(trio, login):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    first = login(bob).post(answer_url(made, "accept"))
    assert first.status_code == 302 and first["Location"].endswith(f"#introduction-{made.pk}")
    waiting = login(bob).get(reverse("network_introductions")).content.decode()
    assert "You said yes" in waiting and "Waiting for Carol Wang." in waiting
    carol_page = login(carol).get(reverse("network_introductions")).content.decode()
    assert "Bob Li already said yes." in carol_page
    carol_client = login(carol)
    carol_client.post(answer_url(made, "accept"))
    assert selectors.are_connected(bob.pk, carol.pk)
    done = carol_client.get(reverse("network_introductions")).content.decode()
    assert "You both said yes: you are now connected." in done and "Connected" in done
    made_page = login(alice).get(reverse("network_introductions"), {"show": "made"})
    assert made_page.content.decode().count('badge badge-ok">Connected') == 2


def test_htmx_answer_swaps_the_card(trio, login):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    response = login(bob).post(answer_url(made, "accept"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<article")
    assert "You said yes" in html and "<html" not in html
    # The tab's waiting count is refreshed out of band: nothing waits for Bob any more.
    assert '<span id="intro-pending" hx-swap-oob="true"></span>' in html
    # Answering a closed one in place shows why, in the card.
    login(carol).post(answer_url(made, "decline"), HTTP_HX_REQUEST="true")
    response = login(bob).post(answer_url(made, "accept"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Not now" in response.content.decode()


def test_declines_are_private_on_every_page(trio, login):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    login(bob).post(answer_url(made, "accept"))
    response = login(carol).post(answer_url(made, "decline"), follow=True)
    assert "Only you know that you said not now." in response.content.decode()
    assert "You said not now" in login(carol).get(reverse("network_introductions")).content.decode()
    for viewer, params in ((bob, {}), (alice, {"show": "made"})):
        html = login(viewer).get(reverse("network_introductions"), params).content.decode()
        assert "Not now" in html
        assert "declined" not in html.lower() and "said not now" not in html


def test_answer_access(trio, dave, login):
    alice, bob, carol = trio
    made = introduce(alice, bob, carol)
    assert login(dave).post(answer_url(made, "accept")).status_code == 404
    assert login(alice).post(answer_url(made, "accept")).status_code == 403
    assert login(bob).post(answer_url(made, "maybe")).status_code == 404
    assert login(bob).get(answer_url(made, "accept")).status_code == 405
    huge = f"/network/introductions/{10**30}/accept/"
    assert login(bob).post(huge).status_code == 404
    made.refresh_from_db()
    assert made.answer_low == made.answer_high == "pending"


def test_ideas_page_links_to_a_prefilled_form(trio, login):
    alice, bob, carol = trio
    html = login(alice).get(reverse("network_introduction_ideas")).content.decode()
    assert "both in Shenzhen" in html
    low, high = sorted([bob.pk, carol.pk])
    assert f"{reverse('network_introduce')}?a={low}&amp;b={high}" in html


def test_empty_states(login):
    loner = make_member("loner")
    client = login(loner)
    assert "No introductions yet." in client.get(reverse("network_introductions")).content.decode()
    made = client.get(reverse("network_introductions"), {"show": "made"}).content.decode()
    assert "You haven't introduced anyone yet." in made
    assert (
        "No ideas right now." in client.get(reverse("network_introduction_ideas")).content.decode()
    )
    assert "once you have connections" in client.get(reverse("network_introduce")).content.decode()


def _busy_network(alice, count=12):
    people = [make_member(f"person{i}", city="Wuhan", city_key="wuhan") for i in range(count)]
    for member in people:
        services.connect_members(a=alice, b=member)
    for a, b in zip(people[::2], people[1::2], strict=True):
        introduce(alice, a, b)
    return people


@pytest.mark.parametrize("size", [4, 12])
def test_list_pages_query_counts_do_not_grow(alice, login, size, django_assert_num_queries):
    people = _busy_network(alice, size)
    # A member introduced several times, by several introducers.
    target = people[0]
    for i in range(2):
        other, introducer = make_member(f"other{i}"), make_member(f"introducer{i}")
        services.connect_members(a=introducer, b=target)
        services.connect_members(a=introducer, b=other)
        introduce(introducer, target, other)
    alice_client, target_client = login(alice), login(target)
    # The same count for 2 introductions as for 6. Lists: session, user, blocks, the
    # count and the page's rows, traits for every pair at once (3), the member cards
    # (profiles, skills), then the tabs' waiting count and the nav's notification count.
    for client, name, params, expected in (
        (alice_client, "network_introductions", {"show": "made"}, 13),
        (target_client, "network_introductions", {}, 13),
        (alice_client, "network_introduction_ideas", {}, 16),
        (alice_client, "network_introduce", {}, 6),
    ):
        client.get(reverse(name), params)  # warm the session
        with django_assert_num_queries(expected):
            response = client.get(reverse(name), params)
        assert response.status_code == 200
