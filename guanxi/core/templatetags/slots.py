from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from guanxi.core.slots import slot_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, slot_name: str, **values):
    """{% slot "profile.actions" member_id=view.user_id %} renders every registered template.

    Like {% include %}: each template renders in the page's own context (with `values`
    on top), so the context processors are not run again for every slot.
    """
    names = slot_templates(slot_name)
    if not names:
        return ""
    with context.push(**values):
        return mark_safe(  # noqa: S308 - the output of our own templates, autoescaped there
            "".join(get_template(name).template.render(context) for name in names)
        )
