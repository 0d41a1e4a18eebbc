"""Who read which case, and what the retention job removed. Both are append-only: the app role
holds no UPDATE, DELETE or TRUNCATE on them and a trigger refuses it (migration 0003)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.models.fields import one_of, user_field


class ReadVia(models.TextChoices):
    PAGE = "page", _("Case page")
    API = "api", _("API")
    EXPORT = "export", _("Case export")


class CaseRead(models.Model):
    """One staff member reading one case record. The case is kept as a plain number (no
    database link), so the log outlives a case the retention job removes."""

    case = models.ForeignKey(
        "workflow.Case",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("case"),
    )
    reader = user_field(_("read by"), null=False)
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    via = models.CharField(_("how"), max_length=8, choices=ReadVia.choices)

    class Meta:
        ordering = ["-read_at", "-id"]
        indexes = [
            models.Index(fields=["case", "read_at"], name="caseread_case_time"),
            models.Index(fields=["read_at"], name="caseread_time"),
        ]
        constraints = [one_of("via", ReadVia, "caseread_via_valid")]

    def __str__(self):
        return f"case {self.case_id} read by {self.reader_id} at {self.read_at:%Y-%m-%d %H:%M}"


class PurgeRecord(models.Model):
    """The retention job ran and removed this many closed cases and low-level responses. No
    personal data: no case numbers, no names, only counts and the rule applied."""

    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    retention_days = models.IntegerField(_("kept for (days after closing)"))
    closed_before = models.DateTimeField(_("removed cases closed before"))
    cases_purged = models.IntegerField(_("cases removed"))
    files_purged = models.IntegerField(_("files removed"))
    # "Asked to leave, welcome back tomorrow" records older than the same period.
    low_level_responses_purged = models.IntegerField(_("low-level responses removed"), default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="purge_record_counts_not_negative",
                condition=Q(
                    retention_days__gte=0,
                    cases_purged__gte=0,
                    files_purged__gte=0,
                    low_level_responses_purged__gte=0,
                ),
            )
        ]

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d}: {self.cases_purged} cases"
