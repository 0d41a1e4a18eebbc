"""Summaries jobs: recount one program inside its schema; publish all programs' summaries."""

import dramatiq

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from organizations.jobs import program_actor
from summaries import publish, services


@program_actor(max_retries=3, time_limit=10 * 60 * 1000)
def recompute_program_summaries():
    services.recompute_current_program()


@dramatiq.actor(max_retries=3, time_limit=10 * 60 * 1000)
def publish_summaries():
    publish.publish()
