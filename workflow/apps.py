from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Case workflow"

    def ready(self):
        # why: the step declarations sit above the services, pages and API they name, and hand
        # the state machine its steps (workflow.states.STEPS) when loaded, before any step runs.
        import workflow.steps  # noqa: F401

        # why: the OpenAPI extensions register on import, which needs the app registry ready.
        from workflow.api import schema  # noqa: F401
