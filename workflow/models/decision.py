"""The decision, its restoration plan (versioned: an appeal that modifies it adds a version and
both stay on the record), follow-ups and appeals."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from workflow.models.fields import not_empty, one_of, user_field
from workflow.models.hearing import NotHeardReason, heard_or_why_not
from workflow.models.investigation import ContributingFactor, factors_valid

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tenants.models import PolicyVersion


class Decision(models.Model):
    # One decision per case: two people deciding at once cannot both succeed.
    case = models.OneToOneField("workflow.Case", on_delete=models.CASCADE, related_name="decision")
    decided_by = user_field(_("decided by"), null=False)
    decided_at = models.DateTimeField(_("decided at"))
    reasons = models.TextField(_("reasons"))
    harmed_person_heard = models.BooleanField(_("harmed person heard"))
    not_heard_reason = models.CharField(
        _("why not heard"), max_length=16, choices=NotHeardReason.choices, blank=True
    )
    contributing_factors = ArrayField(
        models.CharField(max_length=24, choices=ContributingFactor.choices),
        default=list,
        blank=True,
        verbose_name=_("contributing factors considered"),
    )
    appeal_deadline = models.DateTimeField(_("appeals accepted until"))

    class Meta:
        constraints = [
            not_empty("reasons", "decision_reasons_not_empty"),
            heard_or_why_not("decision_heard_or_why_not", nullable=False),
            factors_valid("contributing_factors", "decision_factors_valid"),
            models.CheckConstraint(
                name="decision_appeal_deadline_after",
                condition=Q(appeal_deadline__gt=F("decided_at")),
            ),
        ]

    def __str__(self):
        return f"Decision on case {self.case_id}"


class PlanOrigin(models.TextChoices):
    DECISION = "decision", _("Decision")
    APPEAL = "appeal", _("Appeal")


class RestorationPlan(models.Model):
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="plans")
    version = models.SmallIntegerField(_("version"))
    origin = models.CharField(max_length=16, choices=PlanOrigin.choices)
    appeal = models.ForeignKey(
        "workflow.Appeal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)
    community_impact = models.TextField(
        _("who else was affected (witnesses, the space)"), blank=True
    )
    created_by = user_field(_("created by"))
    created_at = models.DateTimeField(_("created at"))
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "version"]
        constraints = [
            one_of("origin", PlanOrigin, "plan_origin_valid"),
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=0), name="plan_version_not_negative"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(superseded_at__isnull=True),
                name="plan_one_current_per_case",
            ),
            models.CheckConstraint(
                name="plan_appeal_origin",
                condition=Q(origin=PlanOrigin.DECISION, appeal__isnull=True)
                | Q(origin=PlanOrigin.APPEAL, appeal__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Plan v{self.version} of case {self.case_id}"


class ActionKind(models.TextChoices):
    TEMPORARY_BAN = "temporary_ban", _("Temporary ban")
    STORYTELLING_LISTENING = "storytelling_listening", _("Storytelling and listening")
    RESTORATIVE_LABOR = "restorative_labor", _("Restorative labor")
    RESTITUTION = "restitution", _("Restitution")
    SUPPORT_FOR_HARMED_PERSON = "support_for_harmed_person", _("Support for the harmed person")
    SUPPORT_FOR_PERSON_WHO_DID_HARM = (
        "support_for_person_who_did_harm",
        _("Support for the person who did harm"),
    )
    REFLECTIVE_JOURNALING = "reflective_journaling", _("Reflective journaling")
    ACCOUNTABILITY_BUDDY = "accountability_buddy", _("Accountability buddy")
    OTHER = "other", _("Other")
    # Community restoration: for the people and the space affected beyond the parties.
    WITNESS_DEBRIEF = "witness_debrief", _("Witness debrief")
    COMMUNITY_MEETING = "community_meeting", _("Community meeting")
    SPACE_OR_SUPPLY_CHANGE = "space_or_supply_change", _("Change to the space or supplies")
    POLICY_REVIEW = "policy_review", _("Policy review")


COMMUNITY_ACTION_KINDS = frozenset(
    {
        ActionKind.WITNESS_DEBRIEF,
        ActionKind.COMMUNITY_MEETING,
        ActionKind.SPACE_OR_SUPPLY_CHANGE,
        ActionKind.POLICY_REVIEW,
    }
)


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    CANCELLED = "cancelled", _("Cancelled")


# The smallest restitution amount: more than 0 (the constraint below) in cents. The plan service
# refuses less with a message, and the plan form offers no less.
RESTITUTION_MINIMUM = Decimal("0.01")


class RestorativeAction(models.Model):
    plan = models.ForeignKey(RestorationPlan, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=40, choices=ActionKind.choices)
    description = models.TextField(_("description"), blank=True)
    for_party = models.ForeignKey(
        "workflow.CaseParty",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    owner = user_field(_("owner"), null=False)
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    status_note = models.TextField(_("status note"), blank=True)
    restitution_amount = models.DecimalField(
        _("restitution amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    restitution_goods = models.TextField(_("restitution in goods"), blank=True)
    restitution_tracking = models.TextField(_("restitution tracking"), blank=True)
    ban = models.ForeignKey(
        "workflow.Ban", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            one_of("kind", ActionKind, "action_kind_valid"),
            one_of("status", ActionStatus, "action_status_valid"),
            models.CheckConstraint(
                name="action_restitution_what",
                condition=~Q(kind=ActionKind.RESTITUTION)
                | Q(restitution_amount__isnull=False)
                | ~Q(restitution_goods=""),
            ),
            models.CheckConstraint(
                name="action_restitution_amount_positive",
                condition=Q(restitution_amount__isnull=True) | Q(restitution_amount__gt=0),
            ),
            models.CheckConstraint(
                name="action_ban_for_temporary_ban",
                condition=Q(kind=ActionKind.TEMPORARY_BAN, ban__isnull=False)
                | (~Q(kind=ActionKind.TEMPORARY_BAN) & Q(ban__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (due {self.due_date})"

    @property
    def is_community_action(self):
        return self.kind in COMMUNITY_ACTION_KINDS


class FollowUpKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up and reflection")
    COMMUNITY_CHECK_IN = "community_check_in", _("Community-restoration check-in")


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Waived")


class FollowUp(models.Model):
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=24, choices=FollowUpKind.choices)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = user_field(_("done by"))
    notes = models.TextField(_("notes"), blank=True)
    waive_reason = models.TextField(_("why it was waived"), blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            one_of("kind", FollowUpKind, "follow_up_kind_valid"),
            models.CheckConstraint(
                name="follow_up_status_consistent",
                condition=Q(status=FollowUpStatus.PENDING, done_at__isnull=True)
                | Q(status=FollowUpStatus.DONE, done_at__isnull=False)
                | (Q(status=FollowUpStatus.WAIVED, done_at__isnull=False) & ~Q(waive_reason="")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (due {self.due_at:%Y-%m-%d})"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    MODIFIED = "modified", _("Modified")
    OVERTURNED = "overturned", _("Overturned")


# The longest grounds for an appeal, from a party's own page or written down by staff.
APPEAL_GROUNDS_MAX_LENGTH = 10_000


class Appeal(models.Model):
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="appeals")
    level = models.SmallIntegerField(_("level"))
    filed_by = models.ForeignKey(
        "workflow.CaseParty", on_delete=models.PROTECT, related_name="appeals"
    )
    filed_at = models.DateTimeField(_("filed at"))
    # Copied from the decision (or the previous appeal's outcome) when filed.
    window_closed_at = models.DateTimeField(_("appeal window closed at"))
    grounds = models.TextField(_("grounds"))
    recorded_by = user_field(_("recorded by"))
    # Allowed by the policy, not the decider, not a party: service and database trigger.
    reviewer = user_field(_("reviewer"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AppealOutcome.choices, blank=True
    )
    # The reviewer's internal notes stay with staff; the reasons for the parties are what each
    # party's appeal-outcome notice says.
    outcome_reasons = models.TextField(_("internal notes"), blank=True)
    reasons_for_parties = models.TextField(_("reasons for the parties"), blank=True)

    class Meta:
        ordering = ["case", "level"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level"], name="appeal_level_once"),
            models.CheckConstraint(condition=Q(level__gte=0), name="appeal_level_not_negative"),
            not_empty("grounds", "appeal_grounds_not_empty"),
            models.CheckConstraint(
                name="appeal_filed_within_window", condition=Q(filed_at__lte=F("window_closed_at"))
            ),
            models.CheckConstraint(
                name="appeal_outcome_complete",
                condition=Q(outcome="", decided_at__isnull=True)
                | (
                    Q(
                        outcome__in=AppealOutcome.values,
                        decided_at__isnull=False,
                        reviewer__isnull=False,
                    )
                    & ~Q(outcome_reasons="")
                    & ~Q(reasons_for_parties="")
                ),
            ),
        ]

    def __str__(self):
        return f"Appeal {self.level} on case {self.case_id}"


def next_appeal_closes_at(
    decision: Decision, appeals: Sequence[Appeal], policy: PolicyVersion
) -> datetime:
    """When the next appeal must be filed by: the decision's deadline for the first, and the
    policy's window after the previous appeal's outcome for a further level. `appeals`: the
    case's appeals, by level."""
    last_decided = appeals[-1].decided_at if appeals else None
    if last_decided is None:  # a further level opens once the last appeal is decided
        return decision.appeal_deadline
    return last_decided + timedelta(days=policy.appeal_window_days)
