"""Background jobs of the case workflow."""

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from organizations.jobs import program_actor
from workflow.retention import purge_expired_cases


@program_actor(max_retries=3, queue_name="default")
def purge_expired_cases_job():
    """Runs in the program's schema (the message carries it). Idempotent."""
    purge_expired_cases()
