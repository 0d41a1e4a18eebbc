"""What each party is told, written from the case's policy and the case for that party's role:
the process and their rights, what a decision means for them, what an appeal changed for them.

A notice carries only its own party's part: never the narrative, another party's name, actions,
ban or supplies, the decider's reasons or the reviewer's internal notes."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.dates import format_day, format_when
from workflow.models import (
    ActionKind,
    AppealOutcome,
    Ban,
    PartyKind,
    PartyRole,
    RestorationPlan,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from tenants.models import PolicyVersion
    from workflow.models import Appeal, Case, CaseParty, Decision, RestorativeAction

# The people a case is about: told the whole process, its outcomes and (policy allowing) how to
# appeal. Witnesses, representatives and support persons hear only what concerns them.
PRINCIPAL_ROLES = frozenset(
    {PartyRole.HARMED_PERSON, PartyRole.PERSON_WHO_DID_HARM, PartyRole.COMPLAINANT}
)


def may_appeal(party: CaseParty, policy: PolicyVersion) -> bool:
    """Whether the policy lets this party appeal (by default the harmed person, the person who
    did harm and the complainant; never a witness)."""
    return party.role in PRINCIPAL_ROLES and party.role in (policy.appellant_roles or [])


def _join(lines: Iterable[object]) -> str:
    return "\n\n".join(str(line) for line in lines if line)


def _own_page_line(party: CaseParty) -> str:
    if not party.access_code:
        return ""
    return _(
        "You have your own page. There you can read your notices, add what you want to say, "
        "name a support person, say yes or no to taking part, and appeal. To open it, go to "
        "the program's complaint page, choose “Check a complaint” and type your code."
    )


def _role_line(case: Case, party: CaseParty) -> str:
    if party.role == PartyRole.WITNESS:
        return _(
            "A concern was reported on %(date)s, and you are named as a witness: someone who "
            "saw or heard what happened."
        ) % {"date": format_day(case.reported_at)}
    if party.role in (PartyRole.REPRESENTATIVE, PartyRole.SUPPORT_PERSON):
        return _(
            "A concern was reported on %(date)s, and you were asked to be a %(role)s for "
            "someone involved."
        ) % {"date": format_day(case.reported_at), "role": party.get_role_display().lower()}
    if party.kind == PartyKind.FILER:
        return _("You filed a complaint on %(date)s. Thank you for speaking up.") % {
            "date": format_day(case.reported_at)
        }
    return _("A concern was reported on %(date)s, and you are part of it as: %(role)s.") % {
        "date": format_day(case.reported_at),
        "role": party.get_role_display().lower(),
    }


def process_notice_text(case: Case, party: CaseParty) -> str:
    """The acknowledgement: what happens next, the possible outcomes, the party's rights and
    responsibilities, and the dates that apply to this case."""
    policy = case.policy_version
    principal = party.role in PRINCIPAL_ROLES
    lines = [
        _role_line(case, party),
        _(
            "What happens next: someone who is not part of this looks at what happened. They "
            "listen to each person. There may be a meeting. People who speak for you or support "
            "you can come. Then the program decides how to repair the harm."
        ),
    ]
    if party.role == PartyRole.WITNESS:
        lines.append(
            _(
                "What we ask of you: you may be asked what you saw or heard. Saying it is your "
                "choice. Nothing is decided about you."
            )
        )
    if principal:
        lines.append(
            _(
                "Possible outcomes: people listen to each other. Someone fixes or replaces what "
                "was damaged. People get support. Or someone takes a break from the space, for "
                "%(days)s days at most. No one is ever banned for good. Anyone on a break still "
                "gets supplies."
            )
            % {"days": policy.max_ban_days}
        )
    rights = [
        _("Your rights: you can be heard and tell it in your own words."),
        _("You can bring a representative or a support person."),
        _(
            "You choose whether to take part in each step to repair the harm. You do not have "
            "to take part. You can say no at any time, even after saying yes."
        ),
    ]
    if may_appeal(party, policy):
        rights.append(
            _("You can appeal the decision within %(days)s days of it.")
            % {"days": policy.appeal_window_days}
        )
    lines.append(" ".join(str(r) for r in rights))
    lines.append(
        _(
            "Your responsibilities: be honest. Respect the people in this and their privacy. "
            "Keep to the community agreement while this goes on."
        )
    )
    if principal:
        lines.append(
            _("Dates for this case: we got it on %(ack)s. The program gives an answer by %(due)s.")
            % {
                "ack": format_day(case.acknowledged_at or timezone.now()),
                "due": format_day(case.response_due_at),
            }
        )
    lines.append(_own_page_line(party))
    return _join(lines)


def _current_plan(case: Case) -> RestorationPlan | None:
    return RestorationPlan.objects.filter(case=case, superseded_at__isnull=True).first()


def _actions_for(plan: RestorationPlan | None, party: CaseParty) -> list[RestorativeAction]:
    """The plan's actions that concern this party: named for them, and for the harmed person
    the support offered to the harmed person in general."""
    if plan is None:
        return []
    actions = list(plan.actions.select_related("ban"))
    mine = [a for a in actions if a.for_party_id == party.pk]
    if party.role == PartyRole.HARMED_PERSON:
        mine += [
            a
            for a in actions
            if a.for_party_id is None and a.kind == ActionKind.SUPPORT_FOR_HARMED_PERSON
        ]
    return mine


def _running_ban(case: Case, party: CaseParty, plan: RestorationPlan | None) -> Ban | None:
    """The party's ban on this case that stands now (their one welcome-back date from this case:
    the chain's current ban, workflow.models.safety), preferring the plan's own."""
    if party.participant_id is None:
        return None
    running = Ban.objects.running().filter(case=case, participant_id=party.participant_id)
    if plan is not None:
        planned = running.filter(pk__in=plan.actions.exclude(ban=None).values("ban")).first()
        if planned is not None:
            return planned
    return running.order_by("-ends_at").first()


def _action_line(action: RestorativeAction) -> str:
    what = action.get_kind_display()
    if action.description:
        what = f"{what}: {action.description.strip().rstrip('.')}"
    return _("%(what)s (by %(date)s)") % {"what": what, "date": format_day(action.due_date)}


def _what_it_means(case: Case, party: CaseParty, plan: RestorationPlan | None) -> list[str]:
    lines = []
    actions = [a for a in _actions_for(plan, party) if a.kind != ActionKind.TEMPORARY_BAN]
    if actions:
        lines.append(
            _("What this means for you:")
            + "\n"
            + "\n".join(f"• {_action_line(action)}" for action in actions)
        )
    ban = _running_ban(case, party, plan)
    if ban is not None:
        lines.append(
            _(
                "You are asked to take a break from the space until %(end)s. You are welcome "
                "back after that."
            )
            % {"end": format_when(ban.ends_at)}
        )
        lines.append(
            _("While you are away, supplies reach you this way: %(plan)s: %(details)s")
            % {
                "plan": ban.get_supply_access_plan_display(),
                "details": ban.supply_access_details.strip(),
            }
        )
    if party.role == PartyRole.HARMED_PERSON and not any(
        a.kind == ActionKind.SUPPORT_FOR_HARMED_PERSON for a in actions
    ):
        lines.append(_("If you would like support, ask any staff member; it is there for you."))
    if not lines and party.role in PRINCIPAL_ROLES:
        lines.append(_("Nothing is asked of you in this decision."))
    return lines


def _how_to_appeal(party: CaseParty, policy: PolicyVersion, closes_at: datetime) -> str:
    if not may_appeal(party, policy):
        return ""
    if party.access_code:
        ways = _(
            "Tell any staff member in person, or use your own page with your code. Staff can "
            "also write it down for you."
        )
    else:
        ways = _(
            "Tell any staff member in person: they write it down for you. Or use your own "
            "page, with a code any staff member can give you."
        )
    return _(
        "If you disagree, you can appeal until %(date)s. Say what you disagree with, and why. "
        "%(ways)s Someone who did not make the decision will look at it again."
    ) % {"date": format_when(closes_at), "ways": ways}


def decision_notice_text(case: Case, decision: Decision, party: CaseParty) -> str:
    """What was decided that concerns this party, and how and until when to appeal."""
    plan = _current_plan(case)
    lines = [_("A decision was made on %(date)s.") % {"date": format_day(decision.decided_at)}]
    lines += _what_it_means(case, party, plan)
    if party.role == PartyRole.WITNESS:
        lines.append(_("Nothing is asked of you. Thank you for your help."))
    lines.append(_how_to_appeal(party, case.policy_version, decision.appeal_deadline))
    lines.append(_own_page_line(party))
    return _join(lines)


OUTCOME_MEANING = {
    AppealOutcome.UPHELD: gettext_lazy("The decision stays as it was."),
    AppealOutcome.MODIFIED: gettext_lazy("The decision was changed."),
    AppealOutcome.OVERTURNED: gettext_lazy(
        "The decision was cancelled: nothing it asked stands, and any break from the space it "
        "set has ended."
    ),
}


def appeal_outcome_notice_text(appeal: Appeal, party: CaseParty) -> str:
    """Upheld, modified or overturned, what that changes for this party, and the reviewer's
    reasons written for the parties (never the internal notes)."""
    case = appeal.case
    policy = case.policy_version
    lines = [
        _("The appeal was decided on %(date)s: %(outcome)s.")
        % {"date": format_day(appeal.decided_at), "outcome": appeal.get_outcome_display().lower()},
        OUTCOME_MEANING[AppealOutcome(appeal.outcome)],
    ]
    if party.role not in PRINCIPAL_ROLES and party.role != PartyRole.REPRESENTATIVE:
        # Witnesses, support persons and facilitators: the outcome, nothing about anyone.
        lines.append(_("Nothing changes for you."))
        return _join(lines)
    lines.append(_("Why: %(reasons)s") % {"reasons": appeal.reasons_for_parties.strip()})
    if appeal.outcome == AppealOutcome.UPHELD:
        lines.append(_("Nothing changes for you: what the decision asked still stands."))
    else:
        lines += _what_it_means(case, party, _current_plan(case))
    if appeal.level < policy.appeal_levels:
        assert appeal.decided_at is not None, "the outcome's notice follows the decision"
        closes_at = appeal.decided_at + timedelta(days=policy.appeal_window_days)
        lines.append(_how_to_appeal(party, policy, closes_at))
    lines.append(_own_page_line(party))
    return _join(lines)
