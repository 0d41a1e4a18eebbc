"""Background jobs and the program schema: every message names its schema, and program-scoped
actors run inside it. A program-scoped message without a valid program schema is refused
(failed into the dead-letter queue), never run on the public schema."""

import logging

import dramatiq
from django.db import close_old_connections, connection
from dramatiq.middleware import SkipMessage

logger = logging.getLogger(__name__)

SCHEMA_OPTION = "schema_name"


def program_actor(fn=None, **options):
    """A Dramatiq actor whose work touches a program's tables."""
    options["program_scoped"] = True
    if fn is None:
        return lambda f: dramatiq.actor(f, **options)
    return dramatiq.actor(fn, **options)


def send_for_program(actor, schema_name, *args, **kwargs):
    """Enqueue for a named program, e.g. from the public-schema scheduler."""
    return actor.send_with_options(args=args, kwargs=kwargs, **{SCHEMA_OPTION: schema_name})


class ProgramSchemaMiddleware(dramatiq.Middleware):
    actor_options = {"program_scoped"}

    def before_enqueue(self, broker, message, delay):
        if not message.options.get(SCHEMA_OPTION):
            message.options[SCHEMA_OPTION] = connection.schema_name

    def before_process_message(self, broker, message):
        from django_tenants.utils import get_public_schema_name

        from organizations.models import Program, ProgramStatus

        connection.set_schema_to_public()
        actor = broker.get_actor(message.actor_name)
        if not actor.options.get("program_scoped"):
            return
        schema = message.options.get(SCHEMA_OPTION)
        program = None
        if schema and schema != get_public_schema_name():
            program = Program.objects.filter(
                schema_name=schema, status__in=[ProgramStatus.READY, ProgramStatus.SUSPENDED]
            ).first()
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
