from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Case workflow"

    def ready(self):
        # why: the OpenAPI extensions register on import, which needs the app registry ready.
        from workflow.api import schema  # noqa: F401
