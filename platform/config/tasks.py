"""Where actors live: one list, used by the worker and by tests."""

import importlib

ACTOR_MODULES = [
    "organizations.tasks",
    "notifications.tasks",
    "summaries.tasks",
    "workflow.tasks",
]


def import_actor_modules():
    # why: importing the broker sets Dramatiq's global broker, which the actors below need;
    # only processes that run or send jobs do it.
    import config.broker  # noqa: F401

    for name in ACTOR_MODULES:
        importlib.import_module(name)
