"""{% people_you_may_know user 3 as cards %}: suggestions for a template (the home page widget)."""

from django import template

from guanxi.network.suggestions.selectors import SuggestionCard, suggestions_for

register = template.Library()


@register.simple_tag
def people_you_may_know(user, limit: int = 3) -> list[SuggestionCard]:
    if user is None or not user.is_authenticated:
        return []
    return suggestions_for(user, limit=int(limit))
