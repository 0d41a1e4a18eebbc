"""Migrate the public schema, the program template schema and every provisioned program.

Plain `migrate_schemas` also visits programs whose schema does not exist yet (still being set
up, or failed); this command visits only schemas that exist, and keeps the template current so
new programs are cloned from an up-to-date schema.

It runs on the owner connection (the app role may not change the schema), and finishes by
(re)granting the shared role and every program's role their privileges, so tables a migration
added are covered and append-only tables stay so.
"""

from django.conf import settings
from django.db import connection, connections
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name, schema_exists

from config import dbroles
from organizations.models import LIVE_STATUSES, Program, ProgramStatus
from organizations.schemas import replenish_spare_schemas


def ensure_template_schema():
    if not schema_exists(settings.TENANT_BASE_SCHEMA, "owner"):
        with connections["owner"].cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{settings.TENANT_BASE_SCHEMA}"')


class Command(MigrateSchemasCommand):
    help = __doc__

    def handle(self, *args, **options):
        options["database"] = "owner"
        SyncCommon.handle(self, *args, **options)
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        executor.run_migrations(tenants=[get_public_schema_name()])
        connection.set_schema_to_public()
        ensure_template_schema()
        programs = [
            schema
            for schema in Program.objects.using("owner")
            .filter(status__in=[*LIVE_STATUSES, ProgramStatus.RETIRING])
            .values_list("schema_name", flat=True)
            if schema_exists(schema, "owner")
        ]
        executor.run_migrations(tenants=[settings.TENANT_BASE_SCHEMA, *programs])
        connection.set_schema_to_public()
        owner = connections["owner"]
        owner.set_schema_to_public()
        app_role = connections["default"].settings_dict["USER"]
        with owner.cursor() as cursor:
            dbroles.grant_shared(cursor, app_role)
            for schema in programs:
                dbroles.grant_program(cursor, schema, app_role)
        # Spares cloned from an older template are replaced by one from this one.
        replenish_spare_schemas()
