"""The member card and the avatar, as every list of people shows them."""

from django.template import engines

from guanxi.accounts.selectors import MemberCard


def card(**fields) -> MemberCard:
    values = {
        "id": 7,
        "handle": "li_wei",
        "url": "/@li_wei/",
        "display_name": "Li <b>Wei</b>",
        "headline": "Builds & ships",
        "initials": "LW",
        "photo_url": None,
        "is_demo": False,
    }
    return MemberCard(**{**values, **fields})


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


def test_the_card_escapes_what_members_wrote():
    html = render('{% include "includes/person_card.html" %}', member=card(skills=["C++ & <Go>"]))
    assert "Li &lt;b&gt;Wei&lt;/b&gt;" in html and "<b>" not in html
    assert '<p class="person-headline">Builds &amp; ships</p>' in html
    assert 'href="/members/?skill=C%2B%2B%20%26%20%3CGo%3E">C++ &amp; &lt;Go&gt;</a>' in html
    assert html.startswith('\n<article class="card card-compact person-card">')
    assert html.endswith("</article>\n")
    assert '<span class="avatar" aria-hidden="true">LW</span>' in html
    assert "person-meta" not in html and "badge-demo" not in html and " id=" not in html


def test_the_card_options():
    html = render(
        '{% include "includes/person_card.html" with element="li" level=2 class="x" '
        'id_prefix="s-" badge="2nd" badge_title="Second" after="includes/pagination.html" %}',
        member=card(is_demo=True, city="Shanghai", company="Acme", photo_url="/m/a.jpg"),
        directory_url="/dir/",
    )
    assert html.startswith('\n<li class="card card-compact person-card x" id="s-7">')
    assert '<h2 class="person-title"><a class="person-name" href="/@li_wei/">' in html
    assert '@li_wei <span class="degree-badge" title="Second">2nd</span>' in html
    assert 'class="badge badge-demo"' in html
    assert '<p class="person-meta">Shanghai · Acme</p>' in html
    assert '<img class="avatar" src="/m/a.jpg" alt="" loading="lazy">' in html
    assert html.endswith("</li>\n")


def test_avatar_sizes():
    member = card()
    assert render('{% load avatars %}{% avatar m "large" %}', m=member) == (
        '\n<span class="avatar avatar-large" aria-hidden="true">LW</span>\n'
    )
    assert render("{% load avatars %}{% avatar m %}", m=card(photo_url='/a".jpg')) == (
        '\n<img class="avatar" src="/a&quot;.jpg" alt="" loading="lazy">\n'
    )
