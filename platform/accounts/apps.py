from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # why: importing it registers the sign-in receiver that binds a session to its site,
        # which needs the app registry ready.
        from accounts import site_sessions  # noqa: F401


class OperatorsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the platform staff's own site as its default. Named in
    INSTALLED_APPS; not this module's default config (that is AccountsConfig)."""

    default = False

    default_site = "accounts.admin_site.OperatorsAdminSite"
