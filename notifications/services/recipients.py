"""Who receives a reminder, worked out at delivery time (people change roles and leave)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from accounts.models import PROGRAM_ROLES, Membership
from notifications.models import Preference
from organizations.languages import language_among
from workflow.models import Appeal, Ban, CaseParty, Decision, Hearing, RestorativeAction
from workflow.reminders import RULE_BY_KIND, Audience


class Staff:
    """A program's current members by role: {user id: role}."""

    def __init__(self, roles):
        self.roles = roles

    def with_role(self, *roles):
        return {user for user, role in self.roles.items() if role in roles}

    @property
    def leads(self):
        # A program without a lead has its admins stand in.
        return self.with_role("program_lead") or self.with_role("program_admin")

    def members(self, users):
        return {user for user in users if user in self.roles}


@dataclass
class People:
    """What delivery needs to know about a program's people: its staff, the email addresses of
    those whose account is active (nobody else receives anything), and their preferences
    {(user id, kind): delivery choice}."""

    staff: Staff
    addresses: dict
    choices: dict
    # {user id: the language their reminders are written in} (organizations.languages).
    languages: dict = field(default_factory=dict)


def find_people(program_ids):
    """{program id: People} for many programs in two queries (memberships with their users,
    then preferences). These are public rows, read on the public schema before the programs'
    own transactions; recipients are still worked out at delivery time."""
    program_ids = list(program_ids)
    rows = Membership.objects.filter(program_id__in=program_ids, role__in=PROGRAM_ROLES)
    roles, addresses, languages = defaultdict(dict), defaultdict(dict), defaultdict(dict)
    for program_id, user_id, role, email, active, language, off in rows.values_list(
        "program_id",
        "user_id",
        "role",
        "user__email",
        "user__is_active",
        "user__language",
        "program__languages_off",
    ):
        roles[program_id][user_id] = role
        languages[program_id][user_id] = language_among(off, language)
        if active:
            addresses[program_id][user_id] = email
    members = {user for staff in roles.values() for user in staff}
    choices = {}
    for user_id, kind, how in Preference.objects.filter(user_id__in=members).values_list(
        "user_id", "kind", "delivery"
    ):
        choices[(user_id, kind)] = how
    return {
        program_id: People(
            Staff(roles[program_id]), addresses[program_id], choices, languages[program_id]
        )
        for program_id in program_ids
    }


def _hearing_staff(hearing_ids):
    if not hearing_ids:
        return {}
    staff = defaultdict(set)
    for hearing_id, facilitator in Hearing.objects.filter(pk__in=hearing_ids).values_list(
        "pk", "facilitator_id"
    ):
        if facilitator:
            staff[hearing_id].add(facilitator)
    through = Hearing.attendees.through.objects.filter(
        hearing_id__in=hearing_ids, caseparty__staff_user__isnull=False
    )
    for hearing_id, user in through.values_list("hearing_id", "caseparty__staff_user_id"):
        staff[hearing_id].add(user)
    return staff


def with_staff_parties(cases):
    """The cases with `staff_party_ids`: the staff members who are parties to each, read in
    the same query. They are never reminded about their own case (workflow.access), whatever
    their role."""
    parties = CaseParty.objects.filter(case=OuterRef("pk"), staff_user__isnull=False)
    return cases.annotate(staff_party_ids=ArraySubquery(parties.values("staff_user_id")))


def _reviewers(appeal_ids, cases, staff):
    if not appeal_ids:
        return {}
    appeals = Appeal.objects.filter(pk__in=appeal_ids).values_list("pk", "case_id", "reviewer_id")
    result = {}
    for appeal_id, case_id, reviewer in appeals:
        if reviewer:
            result[appeal_id] = {reviewer}
            continue
        # Not assigned yet: everyone the case's policy lets review, except the decider and
        # the case's parties (they could not take it).
        case = cases[case_id]
        excluded = set(
            CaseParty.objects.filter(case_id=case_id, staff_user__isnull=False).values_list(
                "staff_user_id", flat=True
            )
        )
        deciders = Decision.objects.filter(case_id=case_id).values_list("decided_by_id", flat=True)
        excluded |= set(deciders)
        result[appeal_id] = staff.with_role(*case.policy_version.appeal_reviewer_roles) - excluded
    return result


def _action_owners(action_ids):
    if not action_ids:
        return {}
    return dict(RestorativeAction.objects.filter(pk__in=action_ids).values_list("pk", "owner_id"))


def _ban_owners(ban_ids):
    """{ban id: user}: the owner of the plan action that states the ban, else who imposed it."""
    if not ban_ids:
        return {}
    owners = dict(Ban.objects.filter(pk__in=ban_ids).values_list("pk", "imposed_by_id"))
    owners.update(
        RestorativeAction.objects.filter(ban_id__in=ban_ids).values_list("ban_id", "owner_id")
    )
    return owners


def recipients(staff, reminders, cases):
    """{reminder pk: set of user ids}, current members only, never a party to the case;
    nobody left means the case owner, then the leads, then the admins, then any member who is
    not a party, so a reminder is delivered to no one only if every member is a party.
    `cases`: {case id: case} read `with_staff_parties`."""
    refs = defaultdict(set)
    for reminder in reminders:
        refs[RULE_BY_KIND[reminder.kind].audience].add(reminder.ref_id)
    hearings = _hearing_staff(refs[Audience.ATTENDING_STAFF])
    reviewers = _reviewers(refs[Audience.REVIEWER], cases, staff)
    owners = _action_owners(refs[Audience.ACTION_OWNER])
    ban_owners = _ban_owners(refs[Audience.BAN_OWNER])
    result = {}
    for reminder in reminders:
        audience = RULE_BY_KIND[reminder.kind].audience
        owner = {cases[reminder.case_id].owner_id} - {None}
        if audience == Audience.OWNER:
            users = owner
        elif audience == Audience.OWNER_AND_LEADS:
            users = owner | staff.leads
        elif audience == Audience.ATTENDING_STAFF:
            users = hearings.get(reminder.ref_id, set())
        elif audience == Audience.REVIEWER:
            users = reviewers.get(reminder.ref_id, set())
        elif audience == Audience.PROGRAM_STAFF:
            users = set(staff.roles)
        elif audience == Audience.BAN_OWNER:
            users = ({ban_owners.get(reminder.ref_id)} | owner) - {None}
        else:
            users = {owners.get(reminder.ref_id)} - {None}
        result[reminder.pk] = _first_not_party(
            staff,
            set(cases[reminder.case_id].staff_party_ids),
            users,
            owner,
            staff.leads,
            staff.with_role("program_admin"),
            set(staff.roles),
        )
    return result


def _first_not_party(staff, parties, *choices):
    """The first choice with a current member who is not a party to the case."""
    for users in choices:
        chosen = staff.members(users) - parties
        if chosen:
            return chosen
    return set()
