from django.apps import AppConfig

from organizations.lifecycle import register_archive_writer, register_restorer


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Case workflow"

    def ready(self):
        # why: the step declarations sit above the services, pages and API they name, and hand
        # the state machine its steps (workflow.states.STEPS) when loaded, before any step runs.
        import workflow.steps  # noqa: F401

        # why: models may be imported only once every app is loaded. The platform retires
        # programs; what their archive holds, and how one comes back, is the workflow's to say.
        from workflow import archive, restore

        # why: the OpenAPI extensions register on import, which needs the app registry ready.
        from workflow.api import schema  # noqa: F401

        register_archive_writer(archive.write_program_archive)
        register_restorer(restore.restore_program)
        self.register_summary_catalogue()

    @staticmethod
    def register_summary_catalogue():
        # why: the summaries' catalogue reads the models' choices, loaded only now; it is
        # handed to the summaries app (a layer below), which never imports the workflow.
        from summaries.catalogue import register
        from workflow.summary_catalogue import catalogue  # why: as above (needs the models)

        register(catalogue())
