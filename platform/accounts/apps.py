from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # why: importing it registers the sign-in receiver that binds a session to its site,
        # which needs the app registry ready.
        from accounts import site_sessions  # noqa: F401
