import dramatiq

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from organizations import retirement, services


@dramatiq.actor(max_retries=3, time_limit=10 * 60 * 1000, queue_name="provisioning")
def provision_program_job(program_id):
    services.provision_program(program_id=program_id)


@dramatiq.actor(max_retries=0, time_limit=60 * 60 * 1000, queue_name="provisioning")
def retire_program_job(program_id):
    # No retries: a failure leaves the program suspended with the reason, for an operator.
    retirement.retire_program(program_id=program_id)
