"""Hearings and the consent of each party to take part."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from workflow.models.fields import user_field


class NotHeardReason(models.TextChoices):
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Unreachable")
    NOT_APPROPRIATE = "not_appropriate", _("Not appropriate")


def heard_or_why_not(name, *, nullable):
    """Heard (no reason), or not heard with one of the reasons; optionally not yet known."""
    condition = Q(harmed_person_heard=True, not_heard_reason="") | Q(
        harmed_person_heard=False, not_heard_reason__in=NotHeardReason.values
    )
    if nullable:
        condition |= Q(harmed_person_heard__isnull=True, not_heard_reason="")
    return models.CheckConstraint(condition=condition, name=name)


class Hearing(models.Model):
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="hearings")
    scheduled_for = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    facilitator = user_field(_("facilitator"))
    attendees = models.ManyToManyField(
        "workflow.CaseParty", blank=True, related_name="hearings", verbose_name=_("who attends")
    )
    # Participant advisory board members on the panel, when the policy allows it.
    panelists = models.ManyToManyField(
        "tenants.Participant",
        blank=True,
        related_name="+",
        verbose_name=_("advisory board panelists"),
    )
    scheduled_by = user_field(_("scheduled by"))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    harmed_person_heard = models.BooleanField(_("harmed person heard"), null=True, blank=True)
    not_heard_reason = models.CharField(
        _("why not heard"), max_length=16, choices=NotHeardReason.choices, blank=True
    )
    outcome_notes = models.TextField(_("what was said and agreed"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)

    class Meta:
        ordering = ["scheduled_for", "id"]
        constraints = [
            heard_or_why_not("hearing_heard_or_why_not", nullable=True),
            models.CheckConstraint(
                name="hearing_outcome_after_held",
                condition=Q(held_at__isnull=False) | Q(harmed_person_heard__isnull=True),
            ),
            # A hearing is held no earlier than it was scheduled: an outcome recorded before
            # the time would be a record of something that had not happened.
            models.CheckConstraint(
                name="hearing_held_not_before_scheduled",
                condition=Q(held_at__isnull=True) | Q(held_at__gte=F("scheduled_for")),
            ),
            models.CheckConstraint(
                name="hearing_held_or_cancelled_not_both",
                condition=Q(held_at__isnull=True) | Q(cancelled_at__isnull=True),
            ),
            models.CheckConstraint(
                name="hearing_cancelled_with_reason",
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
            ),
        ]

    def __str__(self):
        return f"Hearing of case {self.case_id} at {self.scheduled_for}"

    @property
    def is_pending(self):
        return self.held_at is None and self.cancelled_at is None


class Consent(models.Model):
    """A party's consent to take part in the restorative process; it can be withdrawn."""

    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey(
        "workflow.CaseParty", on_delete=models.CASCADE, related_name="consents"
    )
    given_at = models.DateTimeField(_("given at"))
    recorded_by = user_field(_("recorded by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_note = models.TextField(_("note on withdrawal"), blank=True)

    class Meta:
        ordering = ["given_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="consent_withdrawn_after_given",
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
            ),
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_party",
            ),
        ]

    def __str__(self):
        return f"Consent of party {self.party_id}"

    @property
    def is_active(self):
        return self.withdrawn_at is None
