"""Everything the case page shows, read in a fixed number of queries, and the forms of the steps
this person may take now; the other steps say what they are waiting for."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.access import is_party
from workflow.away import supplied_days
from workflow.models import (
    COMMUNITY_ACTION_KINDS,
    Case,
    CaseParty,
    Category,
    Consent,
    ContributingFactor,
    FollowUpStatus,
    Hearing,
    Notice,
    RestorationPlan,
    RestorativeAction,
)
from workflow.services.safety import running_elsewhere_for
from workflow.states import NEXT_STEP_HINT, State, allowed_steps, roles_for
from workflow.steps import STEPS
from workflow.web.base import members_of, names_by_id, role_needed_text

ORDER = [
    State.REPORTED,
    State.ACKNOWLEDGED,
    State.INVESTIGATING,
    State.HEARING,
    State.DECIDED,
    State.APPEALED,
    State.RESTORING,
    State.CLOSED,
]


def load_case(pk, user):
    """The case and everything on its page, prefetched: the query count does not grow with the
    number of parties, notices, actions or follow-ups beyond one query per kind. Only a case
    `user` may see (workflow.access); Case.DoesNotExist otherwise."""
    parties = CaseParty.objects.select_related("participant", "represents__participant")
    actions = RestorativeAction.objects.select_related("ban", "for_party__participant")
    return (
        Case.objects.visible_to(user)
        .select_related("policy_version", "investigation", "decision")
        .prefetch_related(
            Prefetch("parties", queryset=parties),
            Prefetch("notices", queryset=parties_rel("party__participant")),
            "bans__participant",
            "bans__supply_contacts",
            "statements__party__participant",
            "evidence",
            Prefetch(
                "hearings",
                queryset=Hearing.objects.prefetch_related(
                    Prefetch("attendees", queryset=parties), "panelists"
                ),
            ),
            Prefetch("consents", queryset=Consent.objects.select_related("party__participant")),
            Prefetch(
                "plans",
                queryset=RestorationPlan.objects.order_by("version").prefetch_related(
                    Prefetch("actions", queryset=actions)
                ),
            ),
            "follow_ups",
            "appeals__filed_by__participant",
        )
        .get(pk=pk)
    )


def parties_rel(path):
    return Notice.objects.select_related(path).order_by("id")


# The steps of the case page that act on the case itself (not on one of its items).
CASE_STEPS = [step for step in STEPS.values() if step.page is not None and step.item is None]


def explain(name, case):
    """Why this step is not offered now, in words for the person looking at the page."""
    step = STEPS[name]
    if case.state in step.allowed_from or not step.allowed_from:
        return role_needed_text(roles_for(step, case.policy_version))
    if not case.is_open:
        return ""
    first = min(ORDER.index(s) for s in step.allowed_from if s in ORDER)
    if case.state in ORDER and ORDER.index(case.state) < first:
        return step.page.waiting or ""
    return ""


class CasePage:
    """Builds the forms of one case page. `bound` is the submitted form of a failed step (kept
    with what was typed and its errors), which takes the place of the blank one."""

    def __init__(self, request, case, bound=None, with_forms=True):
        self.request, self.case, self.bound = request, case, bound
        self.role = request.program_role
        self.allowed = set(allowed_steps(case.state, self.role, case.policy_version))
        self.with_forms = with_forms
        self.members = list(members_of(request.program)) if with_forms else []
        self.parties = list(case.parties.all())

    def form(self, name, item=None):
        if name not in self.allowed or not self.with_forms:
            return None
        page = STEPS[name].page
        prefix = f"{name}-{item.pk}" if item is not None else name
        if self.bound is not None and self.bound.prefix == prefix:
            form = self.bound
        else:
            kwargs = {
                "case": self.case,
                "members": self.members,
                "parties": self.parties,
                "prefix": prefix,
            }
            form = page.form(**kwargs)
        form.step = name
        form.submit = page.button
        args = [self.case.pk, name] + ([item.pk] if item is not None else [])
        form.url = reverse("case_step", args=args)
        form.multipart = form.is_multipart()
        return form

    def item_form(self, name, item, applies):
        return self.form(name, item) if applies else None

    def _next_hint(self, bans):
        if not self.case.is_open and any(ban.running for ban in bans):
            # Not "nothing more can be done": the ban still runs, and ends early or gets
            # supplies logged below.
            return _(
                "This case is closed. Its ban still runs to its end: log supplies below, or "
                "end it early if it should stop."
            )
        return NEXT_STEP_HINT[State(self.case.state)]

    def _banned_elsewhere(self, parties):
        # One query for every party's bans elsewhere (not one per party).
        people = [p.participant for p in parties if p.participant_id]
        return [
            ban
            for ban in running_elsewhere_for(participants=people, case=self.case)
            if not is_party(ban.case, self.request.user)
        ]

    def context(self):
        case, now = self.case, timezone.now()
        parties = list(case.parties.all())
        plans = list(case.plans.all())
        current_plan = next((p for p in plans if p.superseded_at is None), None)
        hearings = list(case.hearings.all())
        notices = list(case.notices.all())
        consents = list(case.consents.all())
        follow_ups = list(case.follow_ups.all())
        appeals = list(case.appeals.all())
        bans = list(case.bans.all())
        waiting_notices = [n for n in notices if n.delivered_at is None]
        forms = {step.name: self.form(step.name) for step in CASE_STEPS}
        # One form marks every notice delivered in this visit (method per person).
        deliveries_form = forms["record_notice_deliveries"] if waiting_notices else None
        for consent in consents:
            consent.step_form = self.item_form("withdraw_consent", consent, consent.is_active)
        for hearing in hearings:
            pending = hearing.is_pending
            hearing.step_form = self.item_form("record_hearing_outcome", hearing, pending)
            hearing.move_form = self.item_form("reschedule_hearing", hearing, pending)
            hearing.cancel_form = self.item_form("cancel_hearing", hearing, pending)
            # The outcome can be recorded only once the hearing's time has come.
            hearing.not_yet = pending and hearing.scheduled_for > now
        for appeal in appeals:
            appeal.step_form = self.item_form("decide_appeal", appeal, appeal.decided_at is None)
        every = case.policy_version.supply_contact_every_days
        # Supplies logged under the person's bans in other cases count here too.
        days = supplied_days({ban.participant_id for ban in bans}) if bans else {}
        for ban in bans:
            person_days = days.get(ban.participant_id, [])
            ban.running = ban.is_running(now)
            ban.contacts = list(ban.supply_contacts.all())
            ban.supplied_on = ban.supplied_since(person_days)
            ban.recorded = ban.supplied_on in person_days
            ban.days_without = ban.days_without_supplies(supplied_days=person_days)
            ban.supply_gap = ban.running and ban.days_without > every
            ban.next_supply_due = ban.next_supply_due(every, person_days)
            ban.step_form = self.form("end_ban_early", ban) if ban.running else None
            ban.supply_form = self.form("log_supply_contact", ban) if ban.running else None
        for plan in plans:
            plan.all_actions = list(plan.actions.all())
            community = [a for a in plan.all_actions if a.kind in COMMUNITY_ACTION_KINDS]
            plan.community_actions = community
            plan.party_actions = [a for a in plan.all_actions if a not in community]
            for action in plan.all_actions:
                action.step_form = (
                    self.form("update_action_status", action) if plan is current_plan else None
                )
        user_ids = {case.owner_id, case.reported_by_id}
        user_ids |= {p.staff_user_id for p in parties}
        user_ids |= {n.delivered_by_id for n in notices}
        user_ids |= {h.facilitator_id for h in hearings}
        user_ids |= {a.owner_id for plan in plans for a in plan.all_actions}
        user_ids |= {a.reviewer_id for a in appeals} | {f.done_by_id for f in follow_ups}
        user_ids |= {b.replaced_by_id for b in bans}
        user_ids |= {c.given_by_id for b in bans for c in b.contacts}
        investigation = getattr(case, "investigation", None)
        decision = getattr(case, "decision", None)
        if investigation:
            user_ids.add(investigation.investigator_id)
        if decision:
            user_ids.add(decision.decided_by_id)
        waiting = {
            step.name: explain(step.name, case)
            for step in STEPS.values()
            if step.page is not None and step.page.waiting and step.name not in self.allowed
        }
        return {
            "case": case,
            "now": now,
            "ack_status": case.acknowledgement_status(now),
            "response_status": case.response_status(now),
            "parties": parties,
            "notices": notices,
            "delivered_notices": [n for n in notices if n.delivered_at],
            "investigation": investigation,
            "statements": list(case.statements.all()),
            "evidence": list(case.evidence.all()),
            "hearings": hearings,
            "consents": consents,
            "decision": decision,
            "plans": plans,
            "current_plan": current_plan,
            "follow_ups": follow_ups,
            "appeals": appeals,
            "bans": bans,
            "banned_elsewhere": self._banned_elsewhere(parties) if "impose_ban" in forms else [],
            "names": names_by_id(user_ids),
            "forms": forms,
            "deliveries_form": deliveries_form,
            "follow_ups_form": (
                forms["finish_follow_ups"]
                if any(f.status == FollowUpStatus.PENDING for f in follow_ups)
                else None
            ),
            "waiting": waiting,
            "policy": case.policy_version,
            "next_hint": self._next_hint(bans),
            "categories": [Category(c).label for c in case.categories],
            "factors": [
                ContributingFactor(x).label
                for x in getattr(investigation, "contributing_factors", [])
            ],
            "no_parties": not parties,
            "unassessed": case.severity_assessed_at is None,
        }
