from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Registers the sign-in receiver that binds a session to its site.
        from accounts import site_sessions  # noqa: F401
