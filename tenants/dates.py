"""Dates and times as people read them: in the program's own time zone, in one format across
pages, notices, emails and exports. A 24-hour clock, so no "p.m." ends a sentence with two
full stops."""

import zoneinfo

from django.conf import settings
from django.utils import dateformat, timezone

from tenants.policy import current_policy

WHEN_FORMAT = "j F Y, H:i"
DAY_FORMAT = "j F Y"


def program_zone(policy=None):
    """The program's time zone: its policy's setting, else the platform's."""
    if policy is None:
        policy = current_policy()
    name = getattr(policy, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def format_when(value, policy=None):
    """ "1 December 2026, 13:33" in the program's time zone ("" for no value)."""
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
