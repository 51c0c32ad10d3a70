"""Sign-up: the form's rules, the confirmation email, and the unverified-login block."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from guanxi.accounts.models import Profile, User
from tests.accounts.helpers import CONFIRM_LINK, link_from_outbox, session_user_id, signup_data
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def _errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_signup_page_is_welcoming_and_links_to_login(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Guanxi" in html
    assert f'href="{reverse("account_login")}' in html
    for label in ("Your name", "Email", "Handle", "Password"):
        assert f">{label}</label>" in html
    assert 'class="card narrow auth-card"' in html


def test_login_page_links_to_signup(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Welcome back" in html
    assert f'href="{reverse("account_signup")}' in html
    assert f'href="{reverse("account_reset_password")}' in html


def test_signup_confirm_and_land_logged_in(client):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(username="liwei")
    assert user.email == "liwei@example.com"
    assert Profile.objects.get(user=user).display_name == "Li Wei"
    assert session_user_id(client) is None  # mandatory verification: not logged in yet

    sent = client.get(response["Location"])
    assert "Check your inbox" in sent.content.decode()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["liwei@example.com"]
    assert mail.outbox[0].subject.startswith("[Guanxi]")
    assert "Welcome, Li Wei!" in mail.outbox[0].body and "@liwei" in mail.outbox[0].body
    link = link_from_outbox(CONFIRM_LINK, "liwei@example.com")

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "liwei@example.com" in confirm_page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified  # a GET confirms nothing

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert session_user_id(client) == str(user.pk)


def test_confirm_link_with_bad_key_says_so(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "expired or is not valid" in response.content.decode()
    assert client.post("/accounts/confirm-email/not-a-real-key/").status_code == 404


def test_unverified_member_cannot_log_in(client):
    make_member("pending", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "pending@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert session_user_id(client) is None
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    assert [m.to for m in mail.outbox] == [["pending@example.com"]]  # a fresh link went out


def test_uppercase_handle_is_lowercased(client):
    response = client.post(SIGNUP, signup_data(username="Li_Wei"))
    assert response.status_code == 302
    assert User.objects.filter(username="li_wei").exists()


@pytest.mark.parametrize(
    ("handle", "fragment"),
    [
        ("ab", "at least 3"),
        ("a" * 31, "at most 30"),
        ("admin", "reserved"),
        ("Settings", "reserved"),
        ("li wei", "lowercase letters"),
        ("li-wei", "lowercase letters"),
        ("李伟伟", "lowercase letters"),
        ("1liwei", "starting with a letter"),
        ("_liwei", "starting with a letter"),
        ("li.wei", "lowercase letters"),
        ("", "required"),
    ],
)
def test_handle_rules(client, handle, fragment):
    response = client.post(SIGNUP, signup_data(username=handle))
    assert response.status_code == 200
    errors = " ".join(_errors(response, "username"))
    assert fragment in errors
    assert not User.objects.filter(email="liwei@example.com").exists()
    assert mail.outbox == []


def test_taken_handle_in_any_case(client, alice):
    response = client.post(SIGNUP, signup_data(username="ALICE"))
    assert response.status_code == 200
    assert _errors(response, "username") == ["This handle is taken."]
    assert User.objects.count() == 1


@pytest.mark.parametrize("email", ["not-an-email", "li@", "@example.com", "li wei@example.com", ""])
def test_invalid_email(client, email):
    response = client.post(SIGNUP, signup_data(email=email))
    assert response.status_code == 200
    assert _errors(response, "email")
    assert not User.objects.exists()


def test_duplicate_email_in_other_case_creates_nothing_and_reveals_nothing(client, alice):
    """Emails are unique case-insensitively. Sign-up answers exactly as for a new address
    (no enumeration); the owner of the address is told by email instead."""
    fresh = client.post(SIGNUP, signup_data(email="new@example.com", username="newbie"))
    mail.outbox.clear()
    duplicate = client.post(SIGNUP, signup_data(email="ALICE@Example.COM", username="alice2"))
    assert duplicate.status_code == fresh.status_code == 302
    assert duplicate["Location"] == fresh["Location"]
    assert not User.objects.filter(username="alice2").exists()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert "already exists" in mail.outbox[0].body


def test_over_long_display_name_is_a_field_error(client):
    response = client.post(SIGNUP, signup_data(display_name="名" * 101))
    assert response.status_code == 200
    assert "at most 100" in " ".join(_errors(response, "display_name"))
    assert not User.objects.exists()


def test_blank_display_name_is_required(client):
    response = client.post(SIGNUP, signup_data(display_name="   "))
    assert response.status_code == 200
    assert _errors(response, "display_name")


def test_chinese_display_name_is_kept(client):
    assert client.post(SIGNUP, signup_data(display_name="李伟")).status_code == 302
    assert Profile.objects.get(user__username="liwei").display_name == "李伟"


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        (PASSWORD, PASSWORD + "x", "password2"),
        ("short", "short", "password1"),
        ("1234567890123", "1234567890123", "password1"),
    ],
)
def test_bad_passwords(client, password1, password2, field):
    response = client.post(SIGNUP, signup_data(password1=password1, password2=password2))
    assert response.status_code == 200
    assert _errors(response, field)
    assert not User.objects.exists()


@pytest.mark.parametrize("length", [255, 320, 5000])
def test_over_long_email_is_a_field_error(client, length):
    email = "a" * (length - len("@example.com")) + "@example.com"
    response = client.post(SIGNUP, signup_data(email=email))
    assert response.status_code == 200
    assert _errors(response, "email")
    assert not User.objects.exists()


def test_over_long_fields_never_500(client):
    response = client.post(
        SIGNUP,
        signup_data(email="a" * 300 + "@example.com", username="a" * 500, password1="x" * 5000),
    )
    assert response.status_code == 200
    assert _errors(response, "email") and _errors(response, "username")
    assert not User.objects.exists()


def test_errors_render_in_site_markup(client):
    html = client.post(SIGNUP, signup_data(username="ab")).content.decode()
    assert 'class="field field-invalid"' in html
    assert 'class="errorlist' in html


def test_repeated_unverified_logins_do_not_flood_the_inbox(client):
    make_member("pending", verified=False)
    for _attempt in range(3):
        response = client.post(
            reverse("account_login"), {"login": "pending@example.com", "password": PASSWORD}
        )
        assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1  # ACCOUNT_RATE_LIMITS["confirm_email"]: one per 3 minutes
    assert session_user_id(client) is None
