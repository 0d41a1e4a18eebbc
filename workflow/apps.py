from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Case workflow"

    def ready(self):
        from workflow.api import schema  # noqa: F401  (registers the OpenAPI extensions)
