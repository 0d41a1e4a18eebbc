"""Dates as people read them: in the program's time zone, with the weekday ("Thu 31 Dec 2026"),
never a database timestamp."""

from datetime import date, datetime

from django.utils import formats, timezone

DAY_FORMAT = "D j M Y"


def day(value):
    """A date or a moment, as the day people read it in the program's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    elif not isinstance(value, date):
        return str(value)
    return formats.date_format(value, DAY_FORMAT)
