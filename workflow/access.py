"""Who may see a case, and act on it: members of the program who are not parties to it.

A staff member who is a party to a case, in any role (person who did harm, harmed person,
complainant, witness, representative, support person, facilitator named as a party), must not
see, search, list, export, be reminded about or take any step on it, whatever their program
role. To them the case does not exist: every answer is the program's "not found", the same as
for a case number that was never used (nothing confirms that the case exists).

One rule, used by every read path and every step:

- `Case.objects.visible_to(user)` (workflow.models.case): the cases a person may see;
- `hide_party_cases(queryset, user)`: the same for rows that belong to a case (bans, follow-ups,
  actions, evidence, parties, read-log rows), for lists such as Today and a participant's page;
- `require_not_party(case, user)`: the guard every step takes (workflow.services._base), so a
  step called from anywhere refuses a party as if the case did not exist.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import PROGRAM_ROLES
from workflow.errors import CaseNotFound
from workflow.models import Case, CaseParty
from workflow.models.case import party_case_ids

__all__ = [
    "NOT_A_MEMBER",
    "hide_party_cases",
    "is_party",
    "members_of",
    "require_not_party",
    "visible_cases",
]

# The one answer about a person who is not a member of this program, whether their account
# belongs to another program, to the platform, or does not exist: it names nobody, so no
# message tells a member which accounts exist elsewhere.
NOT_A_MEMBER = gettext_lazy("Choose a member of this program.")


def members_of(program):
    """The program's active members (staff, leads, admins): whom a person field may name."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__program=program, memberships__role__in=PROGRAM_ROLES
        )
        .order_by("first_name", "email")
        .distinct()
    )


def visible_cases(user):
    return Case.objects.visible_to(user)


def hide_party_cases(queryset, user, *, case_path="case"):
    """`queryset` (rows that belong to a case through `case_path`) without the rows of cases
    `user` is a party to; nothing at all for nobody signed in."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.exclude(**{f"{case_path}__in": party_case_ids(user)})


def is_party(case, user):
    return (
        user is not None
        and user.pk is not None
        and CaseParty.objects.filter(case_id=case.pk, staff_user_id=user.pk).exists()
    )


def require_not_party(case, user):
    """Refuse a party to the case the way a case that does not exist is refused."""
    if is_party(case, user):
        raise CaseNotFound(_("No such case in this program."))
