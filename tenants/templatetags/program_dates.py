"""`{{ value|when }}` and `{{ value|day }}`: the one date format of tenants.dates, in the time
zone active for the request (the program's: tenants.middleware.ProgramTimeZoneMiddleware)."""

from django import template
from django.utils import dateformat, timezone

from tenants.dates import day_format, when_format

register = template.Library()


@register.filter
def when(value):
    if not value:
        return ""
    return dateformat.format(timezone.localtime(value), when_format())


@register.filter
def day(value):
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return dateformat.format(value, day_format())
