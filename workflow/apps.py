from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Case workflow"

    def ready(self):
        # Models are loaded only now: the catalogue reads their choices.
        from summaries.catalogue import register
        from workflow.summary_catalogue import catalogue

        register(catalogue())
