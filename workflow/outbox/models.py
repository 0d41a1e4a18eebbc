"""The reminder table is the outbox: a due item is a row, written in the same transaction as the
case change, and the broker only carries row ids. It holds ids and times, never a participant's
code, alias or a narrative."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.constraints import one_of
from workflow.reminders import ReminderKind


class ReminderState(models.TextChoices):
    PENDING = "pending", _("Waiting for its time")
    ENQUEUED = "enqueued", _("Sent to a worker")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled (no longer applies)")
    FAILED = "failed", _("Gave up after repeated attempts")


OPEN_STATES = (ReminderState.PENDING, ReminderState.ENQUEUED)


class Reminder(models.Model):
    program = models.ForeignKey("organizations.Program", on_delete=models.CASCADE, related_name="+")
    # Ids inside the program's schema (no database FK crosses schemas).
    case_id = models.BigIntegerField(_("case"))
    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices)
    ref_id = models.BigIntegerField(_("reference"))
    target_at = models.DateTimeField(_("deadline or event time"))
    due_at = models.DateTimeField(_("send at"))
    state = models.CharField(
        _("state"), max_length=16, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    enqueued_at = models.DateTimeField(_("last sent to a worker"), null=True, blank=True)
    attempts = models.SmallIntegerField(_("times sent to a worker"), default=0)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The same reminder (program, kind, reference, deadline, send time) exists once.
    idempotency_key = models.CharField(max_length=160)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table kept its name when the model moved here from notifications.
        db_table = "notifications_reminder"
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"], name="reminder_pending_due", condition=Q(state="pending")
            ),
            models.Index(
                fields=["enqueued_at"],
                name="reminder_enqueued_since",
                condition=Q(state="enqueued"),
            ),
            models.Index(
                fields=["program", "case_id"],
                name="reminder_open_by_case",
                condition=Q(state__in=["pending", "enqueued"]),
            ),
        ]
        constraints = [
            # A constraint, not unique=True: that would add a second index for LIKE queries,
            # which nothing runs, and every insert and state change would update it.
            models.UniqueConstraint(fields=["idempotency_key"], name="reminder_key_unique"),
            models.CheckConstraint(
                name="reminder_ids_and_attempts_not_negative",
                condition=Q(case_id__gte=0, ref_id__gte=0, attempts__gte=0),
            ),
            one_of("kind", ReminderKind, "reminder_kind_valid"),
            one_of("state", ReminderState, "reminder_state_valid"),
            models.CheckConstraint(
                name="reminder_enqueued_has_time",
                condition=~Q(state="enqueued") | Q(enqueued_at__isnull=False),
            ),
            models.CheckConstraint(
                name="reminder_delivered_has_time",
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
            ),
            models.CheckConstraint(
                name="reminder_due_not_after_target", condition=Q(due_at__lte=models.F("target_at"))
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · case {self.case_id} · {self.due_at:%Y-%m-%d %H:%M}"
