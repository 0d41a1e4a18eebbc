"""A program's staff: program admins invite members, change their roles and remove them.
Removing a member, or giving them a role that needs two-factor sign-in, revokes their API tokens.

Memberships live in the public schema; each function takes the program explicitly, checks that
the actor is one of its admins, and runs in one transaction. A program always keeps at least one
admin: the admin memberships are locked before any change that could remove the last one, so two
admins demoting each other at once cannot both succeed.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from accounts.access import program_role
from accounts.models import PROGRAM_ROLES, Membership, Role
from accounts.two_factor import ROLES_REQUIRING_TWO_FACTOR
from organizations.errors import OnboardingError
from organizations.services import invite_program_member
from tenants.api_tokens import revoke_all_member_tokens
from tenants.errors import DomainError, NotPermitted

logger = logging.getLogger(__name__)


def _require_admin(actor, program):
    if program_role(actor, program) != Role.PROGRAM_ADMIN:
        raise NotPermitted(_("Only a program admin can manage the program's staff."))


def _member(program, membership_id):
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(pk=membership_id, program=program, role__in=PROGRAM_ROLES)
        .first()
    )
    if membership is None:
        raise DomainError(_("This person is not a member of the program (any more)."))
    return membership


def _revoke_tokens(program, user):
    """Revoke the member's API tokens in `program`; returns how many were live."""
    # The tokens live in the program's schema; these functions may be called from anywhere.
    with tenant_context(program):
        revoked = revoke_all_member_tokens(user)
    if revoked:
        logger.info("program %s: revoked %s API token(s) of %s", program.slug, revoked, user.pk)
    return revoked


@dataclass(frozen=True)
class RoleChanged:
    """What change_member_role did: the membership, and how many of the member's API tokens
    it revoked (their admin is told: the member's scripts stop)."""

    membership: Membership
    revoked_tokens: int = 0


def _other_admins_exist(program, membership):
    # Lock every admin row of the program: concurrent changes that touch admins run one at a time.
    admins = list(
        Membership.objects.select_for_update()
        .filter(program=program, role=Role.PROGRAM_ADMIN)
        .values_list("pk", flat=True)
    )
    return any(pk != membership.pk for pk in admins)


@transaction.atomic
def invite_member(*, actor, program, email, role):
    """Send an invitation by email (see organizations.services.invite_program_member)."""
    _require_admin(actor, program)
    try:
        return invite_program_member(actor=actor, program=program, email=email, role=role)
    except OnboardingError as exc:
        raise DomainError(exc.message, field=exc.field) from exc


@transaction.atomic
def change_member_role(*, actor, program, membership_id, role):
    """Give a member another program role. Returns a RoleChanged: a role that needs two-factor
    sign-in revokes the member's API tokens, and says how many."""
    _require_admin(actor, program)
    if role not in PROGRAM_ROLES:
        raise DomainError(_("Choose a program role."), field="role")
    membership = _member(program, membership_id)
    if membership.role == role:
        return RoleChanged(membership)
    if membership.role == Role.PROGRAM_ADMIN and not _other_admins_exist(program, membership):
        raise DomainError(
            _(
                "%(who)s is the program's only admin. Make someone else an admin first, so the "
                "program is never left without one."
            )
            % {"who": membership.user},
            field="role",
        )
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    revoked = 0
    if role in ROLES_REQUIRING_TWO_FACTOR and before not in ROLES_REQUIRING_TWO_FACTOR:
        # Their scripts would gain the new role's reach unseen (an admin exports the whole
        # program): they make new tokens, from a session past two-factor sign-in.
        revoked = _revoke_tokens(program, membership.user)
    logger.info(
        "program %s: %s changed member %s from %s to %s",
        program.slug,
        actor.pk,
        membership.user_id,
        before,
        role,
    )
    return RoleChanged(membership, revoked)


@transaction.atomic
def remove_member(*, actor, program, membership_id):
    """Remove a member: they lose access on their next request. Their past work stays on the
    record (case events keep who did what)."""
    _require_admin(actor, program)
    membership = _member(program, membership_id)
    if membership.role == Role.PROGRAM_ADMIN and not _other_admins_exist(program, membership):
        raise DomainError(
            _(
                "%(who)s is the program's only admin and cannot be removed. Make someone else an "
                "admin first."
            )
            % {"who": membership.user}
        )
    user = membership.user
    membership.delete()
    # Invited back later, they start with no tokens: none made before comes back to life.
    _revoke_tokens(program, user)
    logger.info("program %s: %s removed member %s", program.slug, actor.pk, user.pk)
    return user
