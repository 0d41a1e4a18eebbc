"""Dates read the way each language writes them: "8 December 2026", "8 de diciembre de 2026"
(the Spanish pages said "8 diciembre 2026")."""

from datetime import date

from django.utils import translation

from tenants.dates import format_day
from tenants.templatetags.program_dates import day


def test_a_day_reads_as_each_language_writes_it():
    with translation.override("en"):
        assert format_day(date(2026, 12, 8)) == "8 December 2026"
        assert day(date(2026, 12, 8)) == "8 December 2026"
    with translation.override("es"):
        assert format_day(date(2026, 12, 8)) == "8 de diciembre de 2026"
        assert day(date(2026, 12, 8)) == "8 de diciembre de 2026"
