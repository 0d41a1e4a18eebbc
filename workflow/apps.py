from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Case workflow"

    def ready(self):
        # Inside ready(): models may be imported only once every app is loaded. The platform
        # retires programs; what their archive holds is the workflow's to say.
        from organizations.lifecycle import register_archive_writer, register_restorer
        from workflow.archive import write_program_archive
        from workflow.restore import restore_program

        register_archive_writer(write_program_archive)
        register_restorer(restore_program)
