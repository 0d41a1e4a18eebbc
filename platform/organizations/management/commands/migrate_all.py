"""Migrate the public schema, the program template schema and every provisioned program.

Plain `migrate_schemas` visits every program whatever it has to do, and also programs whose
schema does not exist yet (still being set up, or failed); this command visits only schemas
that exist and are behind the template, several at a time, each in one transaction
(`organizations.migrating`), and keeps the template current so new programs are cloned from
an up-to-date schema. Programs that failed are named with the reason, and the command fails.

It runs on the owner connection (the app role may not change the schema); a migrated program's
role is granted its privileges again in the same transaction, so tables a migration added are
covered and append-only tables stay so.
"""

import os

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name, schema_exists

from config import dbroles
from organizations.migrating import MIGRATE_LOCK_KEY, migrate_program_schemas, owner_params
from organizations.models import LIVE_STATUSES, Program, ProgramStatus
from organizations.schemas import replenish_spare_schemas


def ensure_template_schema():
    if not schema_exists(settings.TENANT_BASE_SCHEMA, "owner"):
        with connections["owner"].cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{settings.TENANT_BASE_SCHEMA}"')


def existing_program_schemas():
    """Schemas of programs in use or being retired that exist, in one catalog query."""
    names = list(
        Program.objects.using("owner")
        .filter(status__in=[*LIVE_STATUSES, ProgramStatus.RETIRING])
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name in present]


class Command(MigrateSchemasCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("MIGRATE_WORKERS", "4")),
            help="How many program schemas migrate at the same time (MIGRATE_WORKERS, default 4).",
        )

    def handle(self, *args, **options):
        options["database"] = "owner"
        SyncCommon.handle(self, *args, **options)
        # Two deploys at once would both migrate the same schemas: the second waits. On a
        # connection of its own: django-tenants closes the owner's after the public schema.
        with psycopg.connect(**owner_params(), autocommit=True) as lock:
            lock.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
            failed = self._migrate(options)
        if failed:
            for schema, error in sorted(failed.items()):
                self.stderr.write(f"{schema}: not migrated (left as it was): {error}")
            raise CommandError(
                f"{len(failed)} program schema(s) could not be migrated and were left untouched: "
                + ", ".join(sorted(failed))
            )

    def _migrate(self, options):
        executor = GET_EXECUTOR_FUNCTION(codename="standard")(self.args, self.options)
        executor.run_migrations(tenants=[get_public_schema_name()])
        connection.set_schema_to_public()
        owner = connections["owner"]
        owner.set_schema_to_public()
        ensure_template_schema()
        programs = existing_program_schemas()
        verbose = options["verbosity"] >= 1
        report = migrate_program_schemas(
            programs,
            command_options={
                "verbosity": max(0, options["verbosity"] - 1),
                "interactive": False,
            },
            write=self.stdout.write if verbose else (lambda _line: None),
            workers=max(1, options["workers"]),
        )
        connection.set_schema_to_public()
        owner.set_schema_to_public()
        with owner.cursor() as cursor:
            dbroles.grant_shared(cursor, connections["default"].settings_dict["USER"])
        if verbose:
            self.stdout.write(
                f"Programs: {len(report.migrated)} migrated, {report.skipped} already up to date,"
                f" {len(report.failed)} failed."
            )
        # Spares cloned from an older template are replaced by one from this one.
        replenish_spare_schemas()
        return report.failed
