import signal

from django.core.management.base import BaseCommand

from notifications.scheduler import TICK_SECONDS, run_forever


class Command(BaseCommand):
    help = "Run the scheduler (only one is active at a time; others wait as standbys)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=TICK_SECONDS)

    def handle(self, *args, interval, **options):
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        self.stdout.write("Scheduler started.")
        run_forever(interval=interval, stop=lambda: bool(stopping))
        self.stdout.write("Scheduler stopped.")
