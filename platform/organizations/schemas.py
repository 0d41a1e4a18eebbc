"""Program schemas are made and dropped on the owner connection: the app role owns nothing and
may not run DDL. Each function runs in one owner transaction, so a failure leaves nothing."""

from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django_tenants.clone import CLONE_SCHEMA_FUNCTION
from django_tenants.utils import quote_schema_name

from config import dbroles

OWNER = "owner"


def app_role():
    return connections["default"].settings_dict["USER"]


def create_program_schema(schema_name):
    """Clone the migrated template into `schema_name` (replacing a stray one), mark its
    migrations applied, and create and grant the program's role."""
    owner = connections[OWNER]
    with transaction.atomic(using=OWNER):
        owner.set_schema_to_public()
        with owner.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema_name)} CASCADE")
            cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=owner.settings_dict["USER"]))
            cursor.execute(
                "SELECT clone_schema(%s, %s, 'DATA')", [settings.TENANT_BASE_SCHEMA, schema_name]
            )
        call_command(
            "migrate_schemas",
            tenant=True,
            fake=True,
            schema_name=schema_name,
            database=OWNER,
            interactive=False,
            verbosity=0,
        )
        owner.set_schema_to_public()
        with owner.cursor() as cursor:
            dbroles.grant_program(cursor, schema_name, app_role())
    owner.set_schema_to_public()


def drop_program_schema(schema_name):
    """Drop the schema and the program's role; nothing of the program is left in the database
    (its row in the public schema stays, marked by the caller)."""
    owner = connections[OWNER]
    with transaction.atomic(using=OWNER):
        owner.set_schema_to_public()
        with owner.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema_name)} CASCADE")
            dbroles.drop_program_role(cursor, schema_name)
