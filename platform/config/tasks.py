"""Where actors live: one list, used by the worker and by tests."""

import importlib

ACTOR_MODULES = [
    "organizations.tasks",
    "notifications.tasks",
    "summaries.tasks",
    "workflow.tasks",
]


def import_actor_modules():
    import config.broker  # noqa: F401  (sets the global broker before actors are declared)

    for name in ACTOR_MODULES:
        importlib.import_module(name)
