"""Notifications, digests and reminder preferences, in the public schema. The reminders
themselves wait in the outbox (workflow.outbox), which the workflow writes and delivery reads."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.constraints import one_of as _one_of
from workflow.outbox.models import OPEN_STATES, Reminder, ReminderState
from workflow.reminders import OVERDUE_KINDS, ReminderKind, case_path

# Re-exported: the outbox's model, read here by delivery, the admin and tests.
__all__ = ["OPEN_STATES", "Reminder", "ReminderState"]


class Digest(models.Model):
    """One digest email per person per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_day")
        ]

    def __str__(self):
        return f"Digest for {self.user} on {self.day}"


class Notification(models.Model):
    """What a person sees under the bell on a program's site, and the record of a reminder's
    delivery to that person, by every channel. Its unique key makes a redelivered message a
    no-op: the second insert fails and its transaction (and so its email) is rolled back."""

    # Indexed by the list's index, which starts with the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    program = models.ForeignKey("organizations.Program", on_delete=models.CASCADE, related_name="+")
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Also goes out in the person's daily digest; `digest` is set once it has.
    in_digest = models.BooleanField(default=False)
    # Not indexed: a digest is only ever deleted with its person, whose notifications go too.
    digest = models.ForeignKey(
        Digest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        db_index=False,
    )
    emailed = models.BooleanField(_("sent by email right away"), default=False)
    # The reminder's key and the person: "<reminder key>|u<user id>".
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Every insert updates each index, and workers insert thousands in a burst: only what
        # the pages and the digest read is indexed.
        indexes = [
            models.Index(
                fields=["user", "program", "-created_at", "-id"], name="notification_list"
            ),
            models.Index(
                fields=["user", "program"], name="notification_unread", condition=Q(read_at=None)
            ),
            models.Index(
                fields=["user"],
                name="notification_digest_waiting",
                condition=Q(in_digest=True, digest=None),
            ),
        ]
        constraints = [
            # Not unique=True, which would add an index for LIKE queries (see Reminder).
            models.UniqueConstraint(fields=["idempotency_key"], name="notification_key_unique"),
            models.CheckConstraint(
                condition=Q(case_id__gte=0), name="notification_case_id_not_negative"
            ),
            models.CheckConstraint(
                name="notification_of_reminder_has_key",
                condition=Q(reminder=None) | Q(idempotency_key__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def link(self):
        """Where this notification leads on the program's site: its case, at the part due."""
        return case_path(self.kind, self.case_id)


class DeliveryChoice(models.TextChoices):
    IMMEDIATELY = "immediately", _("Right away, in the app and by email")
    DAILY_DIGEST = "daily_digest", _("In the app, and by email in a daily digest")
    IN_APP_ONLY = "in_app_only", _("In the app only")


class Preference(models.Model):
    """How one person wants one kind of reminder. No row means right away."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices)
    delivery = models.CharField(
        _("how"),
        max_length=16,
        choices=DeliveryChoice.choices,
        default=DeliveryChoice.IMMEDIATELY,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
            _one_of("kind", ReminderKind, "preference_kind_valid"),
            _one_of("delivery", DeliveryChoice, "preference_delivery_valid"),
            # Overdue reminders cannot be muted or delayed.
            models.CheckConstraint(
                name="preference_overdue_always_immediate",
                condition=~Q(kind__in=sorted(OVERDUE_KINDS)) | Q(delivery="immediately"),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.delivery}"


class DeadLetter(models.Model):
    """No table: the admin lists Dramatiq's dead-letter queues (in Redis) under this name."""

    class Meta:
        managed = False
        verbose_name = _("dead-lettered job")
        verbose_name_plural = _("dead-lettered jobs")

    def __str__(self):
        return str(self._meta.verbose_name)
