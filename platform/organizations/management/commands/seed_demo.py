from django.core.management.base import BaseCommand

from organizations.demo import database_is_empty, load_demo_data


class Command(BaseCommand):
    help = "Load demo organizations, users and one program, if the database is empty."

    def handle(self, *args, **options):
        if not database_is_empty():
            self.stdout.write("Database already has data; demo data not loaded.")
            return
        program = load_demo_data()
        self.stdout.write(f"Demo data loaded; {program.name} is {program.status}.")
