from django.apps import AppConfig

from organizations.lifecycle import program_retired


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self):
        # why: models may be imported only once every app is loaded.
        from notifications.retired_programs import cancel_reminders_of_retired_program

        program_retired.connect(
            cancel_reminders_of_retired_program, dispatch_uid="cancel_reminders_of_retired"
        )
