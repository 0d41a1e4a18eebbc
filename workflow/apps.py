from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Case workflow"

    def ready(self):
        # The step declarations sit above the services, pages and API they name, and hand the
        # state machine its steps (workflow.states.STEPS) when loaded: load them before any
        # step can run.
        import workflow.steps  # noqa: F401

        # why: the OpenAPI extensions register on import, which needs the app registry ready.
        from workflow.api import schema  # noqa: F401
