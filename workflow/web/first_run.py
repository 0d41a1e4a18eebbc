"""A new program's first-run list, shown to its admins on Today until every item is done.
Each item ticks itself from what it leaves behind: a second policy version, a colleague
invited (the first admin's own invitation does not count), the poster opened for printing,
a first incident recorded."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import PROGRAM_ROLES, Membership, Role
from organizations.models import Invitation
from tenants.models import PolicyVersion, SetupStep
from workflow.models import Case


def first_run_checklist(request):
    """[(label, url, done)] for a program admin while something is left; else None."""
    if request.program_role != Role.PROGRAM_ADMIN:
        return None
    program = request.program
    members = Membership.objects.filter(program=program, role__in=PROGRAM_ROLES)
    items = [
        (
            _("Review the policy: response times, appeals, ban lengths"),
            reverse("policy_settings"),
            PolicyVersion.objects.count() > 1,
        ),
        (
            _("Invite your staff"),
            reverse("staff_list"),
            members.count() > 1
            or Invitation.objects.filter(program=program, first_admin=False).exists(),
        ),
        (
            _("Print the poster for the wall"),
            reverse("public_poster"),
            SetupStep.objects.filter(name="poster").exists(),
        ),
        (
            _("Record a test incident to see how a case runs"),
            reverse("record_incident"),
            Case.objects.exists(),
        ),
    ]
    return None if all(done for _label, _url, done in items) else items
