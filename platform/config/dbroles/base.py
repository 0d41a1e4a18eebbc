"""The application's database backend: django-tenants' search_path switching, plus SET ROLE to
the active schema's role in the same statement (see config.dbroles). Used for the "default"
alias (the app role); the owner alias uses plain django-tenants."""

import django.db.utils
import psycopg
from django.core.exceptions import ImproperlyConfigured
from django_tenants.postgresql_backend import base
from django_tenants.utils import get_limit_set_calls, quote_schema_name

from config.dbroles import role_for_schema


class DatabaseWrapper(base.DatabaseWrapper):
    def _handle_search_path(self, cursor=None):
        if self._setting_search_path:
            return
        if get_limit_set_calls() and self.search_path_set_schemas:
            return
        if not self.schema_name:
            raise ImproperlyConfigured("Database schema not set.")
        search_paths = self._get_cursor_search_paths()
        role = role_for_schema(self.settings_dict["NAME"], self.schema_name)
        statement = "SET ROLE {}; SET search_path = {}".format(
            quote_schema_name(role), ",".join(quote_schema_name(s) for s in search_paths)
        )
        self._setting_search_path = True
        target = self.connection.cursor() if cursor is None else cursor
        try:
            target.execute(statement)
        except (django.db.utils.DatabaseError, psycopg.Error):
            self.search_path_set_schemas = None
            # Inside a transaction the error has aborted it: nothing else can run. Outside one,
            # the previous role and search_path would still be in force: never carry on.
            if not self.in_atomic_block:
                raise
        else:
            self.search_path_set_schemas = search_paths
        finally:
            self._setting_search_path = False
            if cursor is None:
                target.close()
