"""`{{ value|when }}` and `{{ value|day }}`: the one date format of tenants.dates, in the
program's time zone."""

from django import template

from tenants.dates import format_day, format_when

register = template.Library()


@register.filter
def when(value):
    return format_when(value)


@register.filter
def day(value):
    return format_day(value)
