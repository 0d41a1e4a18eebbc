"""Demo data for `make run`. Here, at the top layer, because the demo program comes with cases
and reminders: it needs every layer."""

from django.core.management.base import BaseCommand

from notifications.demo import load_demo_cases
from organizations.demo import database_is_empty, demo_program_staff, load_demo_data
from workflow.summary_demo import load_demo_summaries


class Command(BaseCommand):
    help = "Load demo organizations, users and one program, if the database is empty."

    def handle(self, *args, **options):
        if not database_is_empty():
            self.stdout.write("Database already has data; demo data not loaded.")
            return
        program = load_demo_data()
        if program.status == "ready":
            # Cases whose reminders (every kind) fall due in the first minutes of `make run`.
            load_demo_cases(program, demo_program_staff())
            # Two health departments of programs with two years of made-up monthly counts,
            # published, so the TA summaries have quarters and a year to show.
            department = program.health_department
            load_demo_summaries(
                provider=department.providers.get(),
                department=department,
                eastside=program,
            )
        self.stdout.write(f"Demo data loaded; {program.name} is {program.status}.")
