"""What the higher layers do when a program is retired, filled in by them at start-up.

The platform is the lowest layer (platform <- tenants <- workflow <- notifications): it retires
programs but may not import the workflow, which knows what a program's archive holds, nor the
notifications, which own the reminders. So the workflow registers the archive writer and the
restorer here, and the notifications listen for `program_retired`, sent inside the
retirement's transaction (a receiver that fails rolls the retirement back)."""

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

# Sent with `program` just before its schema is dropped, in the same transaction.
program_retired = Signal()

_archive_writers = []
_restorers = []


def register_archive_writer(write):
    """`write(fileobj, *, program)` writes the whole program (active schema) as one zip."""
    if write not in _archive_writers:
        _archive_writers.append(write)


def archive_writer():
    if len(_archive_writers) != 1:
        raise ImproperlyConfigured(
            "Exactly one app must register a program archive writer (the workflow does)."
        )
    return _archive_writers[0]


def register_restorer(restore):
    """`restore(*, actor, program, slug=None)` brings a retired program back from its archive."""
    if restore not in _restorers:
        _restorers.append(restore)


def restorer():
    if len(_restorers) != 1:
        raise ImproperlyConfigured("Exactly one app must register a program restorer.")
    return _restorers[0]
