"""Dates and times as people read them: in the program's own time zone, in one format across
pages, notices, emails and exports. A 24-hour clock, so no "p.m." ends a sentence with two
full stops."""

import zoneinfo

from django.conf import settings
from django.db import connection
from django.db.models import Subquery
from django.utils import dateformat, timezone
from django.utils.translation import pgettext
from django_tenants.utils import get_public_schema_name

from tenants.models import PolicyVersion


# The formats are words of each language ("8 de diciembre de 2026", not "8 diciembre 2026"), so
# they are translated like any other words; letters as in Django's `date` filter.
def when_format():
    return pgettext("date and time format", "j F Y, H:i")


def day_format():
    return pgettext("date format", "j F Y")


def current_time_zone():
    """The current policy's time zone, as an expression a query can carry (blank: the
    platform's), for a reader that needs it beside other rows without a query of its own."""
    return Subquery(PolicyVersion.objects.order_by("-number").values("time_zone")[:1])


def time_zone_name(policy=None):
    """The program's time zone name: its (current) policy's setting, else the platform's. Reads
    only: no policy version is created here."""
    if policy is None:
        if connection.schema_name == get_public_schema_name():
            return settings.TIME_ZONE
        query = PolicyVersion.objects.order_by("-number").values_list("time_zone", flat=True)
        return query.first() or settings.TIME_ZONE
    return policy.time_zone or settings.TIME_ZONE


def zone_named(name):
    """The zone of that name; the platform's for a blank or unknown name."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def program_zone(policy=None):
    return zone_named(time_zone_name(policy))


def format_when(value, policy=None):
    """ "1 December 2026, 13:33" in the program's time zone ("" for no value). `policy`: a
    policy version to take the zone from (default: the program's current one)."""
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value, program_zone(policy)), when_format())


def format_day(value, policy=None):
    """ "1 December 2026": a date, or a moment's date in the program's time zone."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value, program_zone(policy))
    return dateformat.format(value, day_format())
