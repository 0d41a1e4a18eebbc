import logging

import dramatiq

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from organizations import retirement, services
from organizations.schemas import replenish_spare_schemas

logger = logging.getLogger(__name__)


@dramatiq.actor(max_retries=3, time_limit=10 * 60 * 1000, queue_name="provisioning")
def provision_program_job(program_id):
    services.provision_program(program_id=program_id)
    # After the program is ready: the next program's schema, cloned ahead.
    try:
        replenish_spare_schemas()
    except Exception:
        logger.exception("Could not make a spare program schema; the next program is cloned")


@dramatiq.actor(max_retries=0, time_limit=60 * 60 * 1000, queue_name="provisioning")
def retire_program_job(program_id):
    # No retries: a failure leaves the program suspended with the reason, for an operator.
    retirement.retire_program(program_id=program_id)
