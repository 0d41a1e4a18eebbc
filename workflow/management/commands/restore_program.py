"""Restore a retired program from its retirement archive into a new schema, at its old address
or a new one. The archive is verified first (every part, every case timeline, every evidence
file); a damaged archive is refused with what is wrong, and nothing is made."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from organizations.errors import OnboardingError
from organizations.models import Program
from workflow.restore import restore_program


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("program", help="the retired program's address (slug)")
        parser.add_argument("--operator", required=True, help="your email (a platform operator)")
        parser.add_argument("--address", help="a new address for it (default: its old one)")

    def handle(self, *args, program, operator, address=None, **options):
        target = Program.objects.filter(slug=program).first()
        if target is None:
            raise CommandError(f"No program has the address {program!r}.")
        actor = User.objects.filter(email__iexact=operator).first()
        if actor is None:
            raise CommandError(f"No user has the email {operator!r}.")
        try:
            restored = restore_program(actor=actor, program=target, slug=address)
        except OnboardingError as exc:
            raise CommandError(f"Not restored: {exc.message}") from exc
        self.stdout.write(
            f"{restored.name} is back at {restored.site_url()} (every timeline verified)."
        )
