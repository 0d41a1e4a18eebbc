from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = "Anonymized summaries"

    def ready(self):
        from summaries import schema  # noqa: F401  (registers the token scheme for OpenAPI)
