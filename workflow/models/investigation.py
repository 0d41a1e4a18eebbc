"""Investigation: an impartial investigator, statements, evidence files, context and the
contributing factors considered."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.files import program_file_name
from workflow.models.fields import not_empty, user_field


class ContributingFactor(models.TextChoices):
    SUPPLY_SHORTAGE = "supply_shortage", _("Supply shortage")
    CROWDING = "crowding", _("Crowding")
    TRAUMA = "trauma", _("Trauma")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    STAFF_CONDUCT = "staff_conduct", _("Staff conduct")
    OTHER = "other", _("Other")


def factors_valid(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__contained_by": ContributingFactor.values}), name=name
    )


class Investigation(models.Model):
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.CASCADE, related_name="investigation"
    )
    # Not a party to the case: checked by the service and by a database trigger.
    investigator = user_field(_("investigator"), null=False)
    started_at = models.DateTimeField(_("started at"))
    started_by = user_field(_("started by"))
    context_notes = models.TextField(_("context: power imbalances, systemic issues"), blank=True)
    contributing_factors = ArrayField(
        models.CharField(max_length=24, choices=ContributingFactor.choices),
        default=list,
        blank=True,
        verbose_name=_("contributing factors"),
    )
    other_factor = models.TextField(_("other contributing factor"), blank=True)

    class Meta:
        constraints = [
            factors_valid("contributing_factors", "investigation_factors_valid"),
            models.CheckConstraint(
                name="investigation_other_factor_described",
                condition=~Q(contributing_factors__contains=[ContributingFactor.OTHER])
                | ~Q(other_factor=""),
            ),
        ]

    def __str__(self):
        return f"Investigation of case {self.case_id}"


# The longest statement (a party's own or one staff write down), checked by the services
# (workflow.services._base.required_text) and given to the forms' text boxes.
STATEMENT_MAX_LENGTH = 10_000


class Statement(models.Model):
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="statements")
    party = models.ForeignKey(
        "workflow.CaseParty",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    given_at = models.DateTimeField(_("given at"))
    content = models.TextField(_("statement"))
    recorded_by = user_field(_("recorded by"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_at", "id"]
        constraints = [not_empty("content", "statement_not_empty")]

    def __str__(self):
        return f"Statement {self.pk} on case {self.case_id}"


def evidence_file_name(schema_name, evidence_id):
    """Where a program's evidence file is stored: uploads and a restored archive alike."""
    return program_file_name(schema_name, "evidence", evidence_id)


def evidence_path(instance, filename):
    """Stored per program, under a random name: the original name is kept in the row only."""
    return evidence_file_name(connection.schema_name, instance.id)


# Image kinds every browser shows in an <img>: these get a thumbnail on the case page (HEIC
# and TIFF do not display in most browsers, so they stay links).
PREVIEWABLE_IMAGES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
}


class EvidenceFile(models.Model):
    """Served only through the permission-checked API endpoint, never from a public URL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.TextField(_("description"), blank=True)
    uploaded_by = user_field(_("uploaded by"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        constraints = [
            not_empty("original_name", "evidence_name_not_empty"),
            models.CheckConstraint(condition=Q(size__gte=0), name="evidence_size_not_negative"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_previewable_image(self):
        return self.content_type in PREVIEWABLE_IMAGES
