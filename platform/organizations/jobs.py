"""Background jobs and the program schema: every message names its schema, and program-scoped
actors run inside it. A program-scoped message without a valid program schema is refused
(failed into the dead-letter queue), never run on the public schema.

A message may also carry work for several programs ({schema name: payload}, `send_for_programs`)
when the work per program is small; its actor hands each part to `run_in_each_program`, which
enters that program's schema (and so its database role) for that part only."""

import contextlib
import logging

import dramatiq
from django.db import close_old_connections, connection
from django_tenants.utils import get_public_schema_name
from dramatiq.middleware import CurrentMessage, SkipMessage

from organizations.models import LIVE_STATUSES, Program

logger = logging.getLogger(__name__)

SCHEMA_OPTION = "schema_name"
# A message for several programs names them all (for operators, e.g. in the dead letters).
SCHEMAS_OPTION = "schema_names"


def program_actor(fn=None, **options):
    """A Dramatiq actor whose work touches a program's tables."""
    options["program_scoped"] = True
    if fn is None:
        return lambda f: dramatiq.actor(f, **options)
    return dramatiq.actor(fn, **options)


def send_for_program(actor, schema_name, *args, **kwargs):
    """Enqueue for a named program, e.g. from the public-schema scheduler."""
    return actor.send_with_options(args=args, kwargs=kwargs, **{SCHEMA_OPTION: schema_name})


def send_for_programs(actor, work, **options):
    """Enqueue one message carrying work for several programs: {schema name: payload}."""
    return actor.send_with_options(args=(work,), **{SCHEMAS_OPTION: sorted(work)}, **options)


def resolve_programs(schema_names):
    """{schema name: Program} for the names that are ready or suspended programs, read on the
    public schema. Any other name (unknown, retired, public) is never to be entered: the current
    message is failed, so once its other parts have run it goes to the dead-letter queue, as a
    one-program message without a valid schema would."""
    connection.set_schema_to_public()
    programs = {
        program.schema_name: program
        for program in Program.objects.filter(
            schema_name__in=list(schema_names),
            status__in=LIVE_STATUSES,
        ).exclude(schema_name=get_public_schema_name())
    }
    refused = sorted(set(schema_names) - set(programs))
    if refused:
        message = CurrentMessage.get_current_message()
        logger.error(
            "Refused part of %s: no program schema %r.",
            message.message_id if message else "a job",
            refused,
        )
        if message is not None:
            message.fail()
    return programs


@contextlib.contextmanager
def in_program(program):
    """Inside the program's schema (and so under its database role), public again after."""
    connection.set_tenant(program)
    try:
        yield program
    finally:
        connection.set_schema_to_public()


def run_in_each_program(work, fn, *, programs=None):
    """Call fn(program, payload) for each {schema name: payload} of a message, inside that
    program's schema. `fn` runs its own transaction, so one program's part never commits or
    rolls back with another's; an exception stops the message and it is retried whole (the
    parts already done must be idempotent). Names resolve_programs refuses are skipped;
    `programs` is its answer, when the caller needed it first."""
    if programs is None:
        programs = resolve_programs(work)
    for schema, program in programs.items():
        with in_program(program):
            fn(program, work[schema])


class ProgramSchemaMiddleware(dramatiq.Middleware):
    actor_options = {"program_scoped"}

    def before_enqueue(self, broker, message, delay):
        if not message.options.get(SCHEMA_OPTION) and SCHEMAS_OPTION not in message.options:
            message.options[SCHEMA_OPTION] = connection.schema_name

    def before_process_message(self, broker, message):
        connection.set_schema_to_public()
        actor = broker.get_actor(message.actor_name)
        if not actor.options.get("program_scoped"):
            return
        schema = message.options.get(SCHEMA_OPTION)
        program = None
        if schema and schema != get_public_schema_name():
            program = Program.objects.filter(schema_name=schema, status__in=LIVE_STATUSES).first()
        if program is None:
            logger.error(
                "Refused %s (%s): it needs a program schema and carries %r.",
                message.actor_name,
                message.message_id,
                schema,
            )
            message.fail()
            raise SkipMessage(f"no program schema for {message.actor_name}")
        connection.set_tenant(program)

    def after_process_message(self, broker, message, *, result=None, exception=None):
        connection.set_schema_to_public()

    def after_skip_message(self, broker, message):
        connection.set_schema_to_public()


class CloseDatabaseConnections(dramatiq.Middleware):
    """Drop broken or expired connections around each job, so a database restart costs a retry,
    not a worker."""

    def before_process_message(self, broker, message):
        close_old_connections()

    def after_process_message(self, broker, message, *, result=None, exception=None):
        close_old_connections()

    after_skip_message = before_process_message
