"""The program's policy: read the version in force, and change it by adding a version."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.access import program_role
from tenants.errors import DomainError, NotPermitted
from tenants.models import PolicyVersion

# Fields a policy change may set; everything else is bookkeeping.
POLICY_FIELDS = (
    "response_window_days",
    "acknowledgement_window_days",
    "max_ban_days",
    "ban_days_by_severity",
    "appeal_window_days",
    "appeal_reviewer_roles",
    "decider_roles",
    "appeal_levels",
    "pause_ban_during_appeal",
    "supply_contact_every_days",
    "follow_up_days",
    "community_check_in_days",
    "facilitator_required",
    "advisory_board_on_panels",
    "retention_days_after_close",
    "appellant_roles",
    "time_zone",
)


def current_policy():
    """The version in force. A program that never changed its rules gets the defaults as v1."""
    policy = PolicyVersion.objects.order_by("-number").first()
    if policy is None:
        with transaction.atomic():
            policy, _created = PolicyVersion.objects.get_or_create(number=1)
    return policy


def _role_of(user):
    return program_role(user, getattr(connection, "tenant", None))


@transaction.atomic
def change_policy(*, actor, change_note="", **changes):
    """Add a new policy version: the current one with `changes` applied. Program admins only.
    Open cases keep the version they were reported under."""
    if _role_of(actor) != "program_admin":
        raise NotPermitted(_("Only a program admin can change the program's policy."))
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise DomainError(
            _("These are not policy settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    # Serialize changes, so two admins cannot both create the same version number. An advisory
    # lock per schema: LOCK TABLE would need UPDATE or DELETE rights, which the app role does
    # not have on this append-only table.
    connection.cursor().execute(
        "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.tenants_policyversion'))"
    )
    base = current_policy()
    values = {name: getattr(base, name) for name in POLICY_FIELDS}
    values.update(changes)
    policy = PolicyVersion(
        number=base.number + 1, created_by=actor, change_note=change_note or "", **values
    )
    try:
        policy.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc
    policy.save()
    return policy
