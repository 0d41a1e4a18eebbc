from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self):
        # Inside ready(): models may be imported only once every app is loaded.
        from notifications.retired_programs import cancel_reminders_of_retired_program
        from organizations.lifecycle import program_retired

        program_retired.connect(
            cancel_reminders_of_retired_program, dispatch_uid="cancel_reminders_of_retired"
        )
