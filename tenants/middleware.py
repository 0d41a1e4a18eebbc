"""Dates and times on a program's site in the program's own time zone (its policy setting),
so every page, form and printout shows the same clock as the notices."""

import zoneinfo

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from organizations.models import ProgramStatus
from tenants.dates import program_zone

OPEN_PROGRAM = (ProgramStatus.READY, ProgramStatus.SUSPENDED)


def _zone_of_this_program():
    try:
        # In a savepoint: a schema still being set up (or taken down) has no table to read,
        # and that must not spoil the request's transaction.
        with transaction.atomic():
            return program_zone()
    except DatabaseError:
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class ProgramTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        program = getattr(request, "program", None)
        # Only a program that is open has a policy to read.
        if program is None or program.status not in OPEN_PROGRAM:
            return self.get_response(request)
        timezone.activate(_zone_of_this_program())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
