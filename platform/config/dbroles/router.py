"""Migrations run on the owner connection only (the app role may not change the schema)."""

from django.conf import settings
from django.db import connections
from django_tenants.routers import TenantSyncRouter
from django_tenants.utils import get_public_schema_name

MIGRATION_ALIAS = "owner"


class OwnerMigrationRouter(TenantSyncRouter):
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db != MIGRATION_ALIAS:
            return False
        if connections[db].schema_name == get_public_schema_name():
            installed = settings.SHARED_APPS
        else:
            installed = settings.TENANT_APPS
        return self.app_in_list(app_label, installed)
