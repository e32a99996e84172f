"""``{% slot "name" %}``: the templates other apps registered for this place (core/slots.py)."""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from core.slots import slot_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str) -> str:
    parts = []
    flat = context.flatten()
    request = context.get("request")
    for template_name in slot_templates(name):
        parts.append(get_template(template_name).render(flat, request))
    return mark_safe("".join(parts))
