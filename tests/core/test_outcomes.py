"""Pages answer domain errors in one place: the error page, a message and the way back,
or (htmx) the outcome in place with 200."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.urls import reverse

from guanxi.core.errors import Conflict, Invalid, NotFound, RateLimited
from guanxi.core.outcomes import add_to_form

pytestmark = pytest.mark.django_db


def test_a_page_gets_the_site_error_page_with_the_message(alice_client):
    response = alice_client.get("/@nobody-at-all/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Member not found." in html and "error-code" in html


def test_a_refused_form_post_goes_back_with_the_message(alice_client, alice):
    response = alice_client.post(
        reverse("network_block"), {"user_id": alice.pk}, HTTP_REFERER="/network/"
    )
    assert response.status_code == 302 and response["Location"] == "/network/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["You cannot block yourself."]


def test_a_refused_htmx_request_is_answered_in_place(alice_client):
    response = alice_client.post(
        reverse("network_connect"), {"user_id": "999999"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "Member not found." in response.content.decode()


def test_an_action_outcome_is_written_inside_the_panel(alice_client, alice, bob):
    response = alice_client.post(
        reverse("network_follow"), {"user_id": alice.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="relationship-{alice.pk}"' in html and "You cannot follow yourself." in html


class NameForm(forms.Form):
    name = forms.CharField()


def test_add_to_form_puts_field_errors_on_their_fields():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    add_to_form(form, Invalid(fields={"title": ["Too long."]}), rename={"title": "name"})
    assert form.errors == {"name": ["Too long."]}
    other = NameForm({"name": "x"})
    other.is_valid()
    add_to_form(other, Conflict("Already done."))
    assert other.non_field_errors() == ["Already done."]


def test_the_hierarchy_carries_status_code_and_message():
    assert (NotFound().status, NotFound().code) == (404, "not_found")
    limited = RateLimited("Slow down.", retry_after=60)
    assert (limited.status, limited.message, limited.retry_after) == (429, "Slow down.", 60)
    error = Invalid(fields={"year": ["Too early."]})
    assert error.status == 422 and error.fields == {"year": ["Too early."]}
    assert Conflict(code="token_limit").code == "token_limit" and Conflict.code == "conflict"
