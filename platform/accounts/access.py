"""Who may do what: the one place that reads memberships for permission decisions."""

from typing import Any

from accounts.models import PROGRAM_ROLES, Membership, Role


def program_role(user: Any, program: Any) -> str | None:
    """The user's role in this program, or None. Platform roles grant nothing inside a program."""
    if not getattr(user, "is_authenticated", False) or program is None:
        return None
    cache = user.__dict__.setdefault("_program_roles", {})
    if program.pk not in cache:
        cache[program.pk] = (
            Membership.objects.filter(user=user, program=program, role__in=PROGRAM_ROLES)
            .values_list("role", flat=True)
            .first()
        )
    return cache[program.pk]


def is_platform_operator(user):
    return bool(
        getattr(user, "is_authenticated", False)
        and (
            user.is_superuser
            or Membership.objects.filter(user=user, role=Role.PLATFORM_OPERATOR).exists()
        )
    )


def administered_department_ids(user):
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, role=Role.HEALTH_DEPARTMENT_ADMIN).values_list(
            "health_department_id", flat=True
        )
    )


def can_manage_department(user, department):
    return department.pk in administered_department_ids(user) or is_platform_operator(user)
