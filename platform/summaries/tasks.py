"""Summaries job: publish all programs' summaries (the recount of one program inside its schema
is the workflow's job: workflow.tasks.recompute_program_summaries)."""

import dramatiq

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from summaries import publish


@dramatiq.actor(max_retries=3, time_limit=10 * 60 * 1000)
def publish_summaries():
    publish.publish()
