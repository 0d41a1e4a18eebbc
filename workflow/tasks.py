"""Background jobs of the case workflow."""

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from organizations.jobs import program_actor
from workflow.retention import purge_expired_cases
from workflow.summary_counts import recompute_current_program


@program_actor(max_retries=3, queue_name="default")
def purge_expired_cases_job():
    """Runs in the program's schema (the message carries it). Idempotent."""
    purge_expired_cases()


@program_actor(max_retries=3, time_limit=10 * 60 * 1000)
def recompute_program_summaries():
    """Recount one program's cases for the summaries (summaries.services.summaries_tick sends
    it by this name)."""
    recompute_current_program()
