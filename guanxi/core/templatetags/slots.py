from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from guanxi.core.slots import slot_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, slot_name: str, **values):
    """{% slot "profile.actions" member_id=view.user_id %} renders every registered template."""
    if not slot_templates(slot_name):
        return ""
    flat = context.flatten()
    flat.update(values)
    request = context.get("request")
    return mark_safe(  # noqa: S308 - the output of our own templates, autoescaped there
        "".join(get_template(t).render(flat, request) for t in slot_templates(slot_name))
    )
