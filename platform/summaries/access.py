"""Who sees which summaries. The one place that turns memberships into a filter.

- TA staff: the programs (by name) of the health departments their provider serves, those
  departments' rollups, and their provider's rollups (overall and per program type).
- Health-department admins: their department's programs and rollup, and the anonymous rollups
  of each program type across all programs.
- Program admins: their own program beside anonymous peers (their department's rollup and the
  program-type rollups); never another program by name.
- Platform operators: everything published.
The all-programs rollup goes with the program-type rollups (anonymous, platform-wide).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import Membership, Role
from organizations.models import HealthDepartment, Program, TAProvider
from summaries.models import Scope


@dataclass
class Viewer:
    providers: set = field(default_factory=set)
    served_departments: set = field(default_factory=set)
    hd_departments: set = field(default_factory=set)
    admin_programs: set = field(default_factory=set)
    admin_departments: set = field(default_factory=set)
    operator: bool = False

    @property
    def has_scope(self):
        return bool(self.operator or self.providers or self.hd_departments or self.admin_programs)

    @property
    def named_departments(self):
        return self.served_departments | self.hd_departments


def viewer_for(user, *, token=None):
    """A request authenticated by an API token acts as TA staff only, and only for the
    memberships older than the token (summaries.auth): a provider the person joined after
    making the token is not reached by it."""
    viewer = Viewer()
    if not getattr(user, "is_authenticated", False):
        return viewer
    roles = (
        [Role.TA_STAFF]
        if token is not None
        else [
            Role.PLATFORM_OPERATOR,
            Role.TA_STAFF,
            Role.HEALTH_DEPARTMENT_ADMIN,
            Role.PROGRAM_ADMIN,
        ]
    )
    memberships = Membership.objects.filter(user=user, role__in=roles)
    if token is not None:
        memberships = memberships.filter(created_at__lte=token.created_at)
    for m in memberships.values(
        "role", "provider_id", "health_department_id", "program_id", "program__health_department_id"
    ):
        if m["role"] == Role.PLATFORM_OPERATOR:
            viewer.operator = True
        elif m["role"] == Role.TA_STAFF:
            viewer.providers.add(m["provider_id"])
        elif m["role"] == Role.HEALTH_DEPARTMENT_ADMIN:
            viewer.hd_departments.add(m["health_department_id"])
        else:
            viewer.admin_programs.add(m["program_id"])
            viewer.admin_departments.add(m["program__health_department_id"])
    if viewer.providers:
        viewer.served_departments = set(
            HealthDepartment.objects.filter(providers__in=viewer.providers).values_list(
                "pk", flat=True
            )
        )
    return viewer


def summary_filter(viewer):
    """Q over Summary rows; matches nothing for a viewer without a scope."""
    if viewer.operator:
        return Q()
    q = Q(pk__in=[])
    named = viewer.named_departments
    if named:
        q |= Q(scope__in=[Scope.PROGRAM, Scope.DEPARTMENT], department__in=named)
    if viewer.providers:
        q |= Q(scope__in=[Scope.PROVIDER, Scope.PROVIDER_TYPE], provider__in=viewer.providers)
    if viewer.admin_programs:
        q |= Q(scope=Scope.PROGRAM, program__in=viewer.admin_programs)
        q |= Q(scope=Scope.DEPARTMENT, department__in=viewer.admin_departments)
    if viewer.hd_departments or viewer.admin_programs:
        q |= Q(scope__in=[Scope.PROGRAM_TYPE, Scope.ALL])
    return q


def visible_programs(viewer):
    if viewer.operator:
        return Program.objects.select_related("health_department")
    return Program.objects.filter(
        Q(health_department__in=viewer.named_departments) | Q(pk__in=viewer.admin_programs)
    ).select_related("health_department")


def visible_departments(viewer):
    if viewer.operator:
        return HealthDepartment.objects.all()
    return HealthDepartment.objects.filter(
        pk__in=viewer.named_departments | viewer.admin_departments
    )


def visible_providers(viewer):
    if viewer.operator:
        return TAProvider.objects.all()
    return TAProvider.objects.filter(pk__in=viewer.providers)
