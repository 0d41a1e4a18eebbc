"""Anonymized per-program aggregates (public schema). Only counts leave a program: no
participant code, alias, name, narrative or any other text of a case is ever stored here."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiTokenBase, token_checks
from organizations.models import ProgramType


class ProgramMonth(models.Model):
    """A program's raw monthly counts, written by the worker from inside the program's schema.
    Never served: the API reads only `Summary` rows, after suppression."""

    program = models.ForeignKey("organizations.Program", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    # {root: {family: {component: count}}} and {histogram: {days: how many}}: numbers only,
    # keyed (a component added later is simply missing from older rows, i.e. 0).
    counts = models.JSONField()
    histograms = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    # Set when the month settles (summaries.publish): from then on the counts and the groupings
    # below are frozen, and every published figure of the month is computed from them.
    settled_at = models.DateTimeField(null=True, blank=True)
    department = models.ForeignKey(
        "organizations.HealthDepartment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    program_type = models.CharField(max_length=32, blank=True)
    provider_ids = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "month"], name="program_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="program_month_first_day"),
        ]

    def __str__(self):
        return f"{self.program_id} {self.month:%Y-%m}"


class SettledMonth(models.Model):
    """A month whose figures are frozen (see summaries.publish)."""

    month = models.DateField(unique=True)
    settled_at = models.DateTimeField()

    def __str__(self):
        return f"{self.month:%Y-%m} settled"


class SummaryState(models.Model):
    """Per program: marked dirty by a closed case (debounced by the scheduler tick)."""

    program = models.OneToOneField(
        "organizations.Program", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    dirty_since = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"summaries of program {self.program_id}"


class Publication(models.Model):
    """One published release of all summaries (the rows are replaced as a whole)."""

    published_at = models.DateTimeField()
    threshold = models.SmallIntegerField()
    months = models.SmallIntegerField()
    rows = models.IntegerField()
    seconds = models.FloatField()

    class Meta:
        get_latest_by = "published_at"
        constraints = [
            models.CheckConstraint(
                name="publication_figures_not_negative",
                condition=Q(threshold__gte=0, months__gte=0, rows__gte=0),
            )
        ]

    def __str__(self):
        return f"release of {self.published_at:%Y-%m-%d %H:%M}"


class Scope(models.TextChoices):
    PROGRAM = "program", _("Program")
    DEPARTMENT = "department", _("Health department")
    PROVIDER = "provider", _("TA provider")
    PROVIDER_TYPE = "provider_type", _("TA provider, one program type")
    PROGRAM_TYPE = "program_type", _("Program type, all programs")
    ALL = "all", _("All programs")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Summary(models.Model):
    """One published row: a program or a rollup, for one month, quarter or year. `metrics` maps
    each metric key to a number, or to null where the figure is withheld (`reasons` says why).
    Rows are never changed once published: `key` names one for good, e.g.
    ``department-3.2026-Q2`` (a figure: the key and a metric key)."""

    key = models.CharField(max_length=80, unique=True)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    period = models.CharField(max_length=8)  # 2026-05, 2026-Q2, 2026
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    month = models.DateField()  # the period's first month
    program = models.ForeignKey(
        "organizations.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "organizations.HealthDepartment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    provider = models.ForeignKey(
        "organizations.TAProvider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    program_type = models.CharField(max_length=32, choices=ProgramType.choices, blank=True)
    program_count = models.IntegerField()
    metrics = models.JSONField()
    reasons = models.JSONField(default=dict)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "scope", "id"]
        indexes = [
            models.Index(fields=["-month", "scope", "id"]),
            models.Index(fields=["department", "month"]),
            models.Index(fields=["provider", "month"]),
            models.Index(fields=["program", "month"]),
            models.Index(fields=["program_type", "month"]),
            models.Index(fields=["period_kind", "month"], name="summary_period_month"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="summary_month_first_day"),
            models.CheckConstraint(
                condition=Q(program_count__gte=0), name="summary_program_count_not_negative"
            ),
            models.CheckConstraint(
                name="summary_scope_fields",
                condition=Q(
                    scope="program",
                    program__isnull=False,
                    department__isnull=False,
                    provider__isnull=True,
                )
                | Q(scope="department", program__isnull=True, department__isnull=False)
                | Q(
                    scope__in=["provider", "provider_type"],
                    program__isnull=True,
                    department__isnull=True,
                    provider__isnull=False,
                )
                | Q(
                    scope__in=["program_type", "all"],
                    program__isnull=True,
                    department__isnull=True,
                    provider__isnull=True,
                ),
            ),
        ]

    def __str__(self):
        return self.key


class ApiToken(ApiTokenBase):
    """A TA staff member's API token (summaries.auth): read-only, on the platform's API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )

    class Meta(ApiTokenBase.Meta):
        constraints = token_checks("api")
