"""A text input that suggests known places while the member types (htmx + datalist)."""

from __future__ import annotations

from django import forms
from django.urls import reverse


class PlaceInput(forms.TextInput):
    """Free text, with the gazetteer's cities offered as the member types: the input
    asks /places/suggest/ (htmx) and the answer fills the datalist beside it. Without
    JavaScript it is a plain text field."""

    template_name = "places/place_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f"{widget_attrs.get('id') or name}-places"
        widget_attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "hx-get": reverse("place_suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                # The suggestions must not show the page's busy indicator.
                "hx-indicator": f"#{list_id}",
            }
        )
        context["widget"]["list_id"] = list_id
        return context
