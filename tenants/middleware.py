"""Dates and times on a program's site in the program's own time zone (its policy setting),
so every page, form and printout shows the same clock as the notices."""

import zoneinfo

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from organizations.models import ProgramStatus
from tenants.models import PolicyVersion

OPEN_PROGRAM = (ProgramStatus.READY, ProgramStatus.SUSPENDED)


def program_time_zone_name():
    """The time zone of the program whose schema is active (its current policy), else the
    platform's. A read only: no policy version is created here."""
    if connection.schema_name == get_public_schema_name():
        return settings.TIME_ZONE
    try:
        # In a savepoint: a schema still being set up (or taken down) has no table to read,
        # and that must not spoil the request's transaction.
        with transaction.atomic():
            query = PolicyVersion.objects.order_by("-number").values_list("time_zone", flat=True)
            name = query.first()
    except DatabaseError:
        name = None
    return name or settings.TIME_ZONE


class ProgramTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        program = getattr(request, "program", None)
        # Only a program that is open has a policy to read.
        if program is None or program.status not in OPEN_PROGRAM:
            return self.get_response(request)
        try:
            timezone.activate(zoneinfo.ZoneInfo(program_time_zone_name()))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
