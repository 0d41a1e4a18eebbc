"""Migrate the public schema, the program template schema and every provisioned program.

Plain `migrate_schemas` also visits programs whose schema does not exist yet (still being set
up, or failed); this command visits only schemas that exist, and keeps the template current so
new programs are cloned from an up-to-date schema.
"""

from django.conf import settings
from django.db import connection
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name, schema_exists

from organizations.models import Program, ProgramStatus


def ensure_template_schema():
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{settings.TENANT_BASE_SCHEMA}"')


class Command(MigrateSchemasCommand):
    help = __doc__

    def handle(self, *args, **options):
        SyncCommon.handle(self, *args, **options)
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        executor.run_migrations(tenants=[get_public_schema_name()])
        connection.set_schema_to_public()
        ensure_template_schema()
        programs = [
            schema
            for schema in Program.objects.filter(
                status__in=[ProgramStatus.READY, ProgramStatus.SUSPENDED]
            ).values_list("schema_name", flat=True)
            if schema_exists(schema)
        ]
        executor.run_migrations(tenants=[settings.TENANT_BASE_SCHEMA, *programs])
        connection.set_schema_to_public()
