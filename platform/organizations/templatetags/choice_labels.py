"""`{{ case|label:"state" }}`: a choice field's label, like `get_state_display`, for pages that
show many rows. Django's own method rebuilds a dict of every choice on each call and, in doing
so, translates every label; here the labels of each field are gathered once and only the one
shown is translated. A builtin (settings.TEMPLATES), so every template has it."""

from functools import cache

from django import template

register = template.Library()


@cache
def _labels(model, field_name):
    return dict(model._meta.get_field(field_name).flatchoices)


@register.filter
def label(obj, field_name):
    if obj is None or obj == "":
        return ""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name).get(value, value)
