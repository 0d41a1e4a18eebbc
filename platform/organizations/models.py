"""Organizations in the public schema: TA providers, health departments, programs (tenants)."""

import unicodedata

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from organizations.slugs import schema_name_for_slug, validate_program_slug


def validate_one_line(value):
    """Names that reach email headers: no line break, tab or other control character."""
    if any(unicodedata.category(char) == "Cc" for char in value or ""):
        raise ValidationError(
            _("Write the name on one line: remove the line breaks (and tabs)."), code="one_line"
        )


class TAProvider(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("technical-assistance provider")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HealthDepartment(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=200, blank=True)
    providers = models.ManyToManyField(
        TAProvider, related_name="departments", blank=True, verbose_name=_("served by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgramType(models.TextChoices):
    SYRINGE_SERVICES = "syringe_services", _("Syringe services program")
    OVERDOSE_PREVENTION = "overdose_prevention", _("Overdose prevention center")
    DROP_IN = "drop_in", _("Drop-in center")
    RECOVERY_COMMUNITY = "recovery_community", _("Recovery community organization")
    MOBILE_OUTREACH = "mobile_outreach", _("Mobile outreach")


class ProgramStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("Being set up")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Set-up failed")
    SUSPENDED = "suspended", _("Suspended")
    # Being exported by a worker before its schema is dropped; its site accepts nothing.
    RETIRING = "retiring", _("Being retired")
    # Exported to an archive, then its schema dropped: nothing routes to it any more.
    RETIRED = "retired", _("Retired")


# Programs whose schema is in use: their jobs run, reminders go out, figures are counted.
LIVE_STATUSES = (ProgramStatus.READY, ProgramStatus.SUSPENDED)


class Program(TenantMixin):
    """A harm reduction program: the tenant. Its data lives in its own schema."""

    # Goes into email subjects: a line break there would fail the email (or add a header).
    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    slug = models.CharField(
        _("address"), max_length=40, unique=True, validators=[validate_program_slug]
    )
    program_type = models.CharField(_("type"), max_length=32, choices=ProgramType.choices)
    health_department = models.ForeignKey(
        HealthDepartment, on_delete=models.PROTECT, related_name="programs"
    )
    status = models.CharField(
        max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.PROVISIONING
    )
    failure_reason = models.TextField(blank=True)
    provisioning_attempts = models.SmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retiring_since = models.DateTimeField(null=True, blank=True)
    # When the set-up or retirement job was last sent: the scheduler sends it again only once
    # it has had time to run (organizations.services.requeue_stalled_jobs).
    job_sent_at = models.DateTimeField(null=True, blank=True)
    # Where retirement left the program's archive (under the data folder).
    archive_path = models.CharField(max_length=500, blank=True, default="", db_default="")
    # Languages of settings.LANGUAGES this program does not offer (its pages, notices and
    # emails fall back to one it does); a language added later is on until turned off.
    languages_off = ArrayField(
        models.CharField(max_length=8),
        verbose_name=_("languages turned off"),
        default=list,
        # Rows written without the column (raw SQL, an older release mid-deploy) offer all.
        db_default=Value([], output_field=ArrayField(models.CharField(max_length=8))),
        blank=True,
    )

    # The schema is made by the provisioning worker, not on save.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("slug"), name="program_slug_unique_casefolded"),
            models.CheckConstraint(
                condition=~models.Q(name__regex=r"[[:cntrl:]]"),
                name="program_name_one_line",
            ),
            models.CheckConstraint(
                condition=models.Q(slug__regex=r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$"),
                name="program_slug_format",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProgramStatus.values), name="program_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="retired")
                | (models.Q(retired_at__isnull=False) & ~models.Q(archive_path="")),
                name="program_retired_has_archive",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="retiring") | models.Q(retiring_since__isnull=False),
                name="program_retiring_has_start",
            ),
            models.CheckConstraint(
                condition=models.Q(program_type__in=ProgramType.values),
                name="program_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(provisioning_attempts__gte=0),
                name="program_provisioning_attempts_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.schema_name:
            self.schema_name = schema_name_for_slug(self.slug)
        super().save(*args, **kwargs)

    @property
    def is_ready(self):
        return self.status == ProgramStatus.READY

    @property
    def accepts_changes(self):
        return self.status == ProgramStatus.READY

    def site_url(self, path="/"):
        port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
        return f"{settings.SITE_SCHEME}://{self.slug}.{settings.BASE_DOMAIN}{port}{path}"


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]


class Invitation(models.Model):
    """A single-use, expiring invitation to join a program. Only a hash of the token is kept."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    # Sent from the platform site by a health department (or an operator) for a program with no
    # admin yet; usable only while the program still has none.
    first_admin = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["program_admin", "program_lead", "program_staff"]),
                name="invitation_program_role",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(first_admin=False) | models.Q(role="program_admin"),
                name="invitation_first_admin_is_an_admin",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.program}"
