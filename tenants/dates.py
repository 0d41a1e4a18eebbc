"""Dates and times as people read them: in the program's own time zone, in one format across
pages, notices, emails and exports. A 24-hour clock, so no "p.m." ends a sentence with two
full stops."""

import zoneinfo

from django.conf import settings
from django.db import connection
from django.utils import dateformat, timezone
from django_tenants.utils import get_public_schema_name

from tenants.models import PolicyVersion

WHEN_FORMAT = "j F Y, H:i"
DAY_FORMAT = "j F Y"


def time_zone_name(policy=None):
    """The program's time zone name: its (current) policy's setting, else the platform's. Reads
    only: no policy version is created here."""
    if policy is None:
        if connection.schema_name == get_public_schema_name():
            return settings.TIME_ZONE
        query = PolicyVersion.objects.order_by("-number").values_list("time_zone", flat=True)
        return query.first() or settings.TIME_ZONE
    return policy.time_zone or settings.TIME_ZONE


def program_zone(policy=None):
    try:
        return zoneinfo.ZoneInfo(time_zone_name(policy))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def format_when(value, policy=None):
    """ "1 December 2026, 13:33" in the program's time zone ("" for no value). `policy`: a
    policy version to take the zone from (default: the program's current one)."""
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value, program_zone(policy)), WHEN_FORMAT)


def format_day(value, policy=None):
    """ "1 December 2026": a date, or a moment's date in the program's time zone."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value, program_zone(policy))
    return dateformat.format(value, DAY_FORMAT)
