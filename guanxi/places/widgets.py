"""A text input that suggests known places while the member types (htmx + datalist)."""

from __future__ import annotations

from django import forms


class PlaceInput(forms.TextInput):
    """Free text, with the gazetteer's cities offered as the member types: the input
    asks /places/suggest/ (htmx) and the answer fills the datalist beside it. Without
    JavaScript it is a plain text field."""

    template_name = "places/place_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["list_id"] = f"{context['widget']['attrs'].get('id') or name}-places"
        return context
