"""The case, its parties and the notices they are given."""

from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.languages import language_field
from tenants.models import Severity
from workflow.models.fields import not_empty, one_of, user_field
from workflow.states import FINAL_STATES, State

DUE_SOON = timedelta(days=1)


def next_due():
    """The deadline a case answers to next: the acknowledgement until given, then the response.
    Today sorts by it; an index on the same expression keeps that sort cheap at any size."""
    return models.Case(
        models.When(acknowledged_at__isnull=True, then=F("acknowledgement_due_at")),
        models.When(responded_at__isnull=True, then=F("response_due_at")),
        default=None,
    )


class CaseKind(models.TextChoices):
    INCIDENT = "incident", _("Incident seen by staff")
    COMPLAINT = "complaint", _("Complaint")


class Category(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    THREAT = "threat", _("Threat")
    BULLYING = "bullying", _("Bullying")
    THEFT = "theft", _("Theft")
    PROPERTY_DAMAGE = "property_damage", _("Property damage")
    SUPPLY_OR_SERVICE_DISPUTE = "supply_or_service_dispute", _("Supply or service dispute")
    STAFF_CONDUCT = "staff_conduct", _("Staff conduct")
    OTHER = "other", _("Other")


class DueStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Done on time")
    MET_LATE = "met_late", _("Done late")


def due_status(due_at, done_at, now=None):
    """On time / due soon / overdue while pending; met or met late once done."""
    if done_at is not None:
        return DueStatus.MET if done_at <= due_at else DueStatus.MET_LATE
    now = now or timezone.now()
    if now > due_at:
        return DueStatus.OVERDUE
    if due_at - now <= DUE_SOON:
        return DueStatus.DUE_SOON
    return DueStatus.ON_TIME


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The cases this person may see and act on: none for nobody signed in, and never a
        case they are a party to, in any role (a staff member named in a complaint must not
        read it or act against the complainant). Every staff read path starts here; see
        workflow.access for the same rule on rows that belong to a case."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.exclude(pk__in=party_case_ids(user))


def party_case_ids(user):
    """A subquery: the ids of the cases this user is a party to (as a staff member)."""
    return CaseParty.objects.filter(staff_user_id=user.pk).values("case_id")


class Case(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REPORTED
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    reported_at = models.DateTimeField(_("when it was reported"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    narrative = models.TextField(_("what happened"))
    categories = ArrayField(
        models.CharField(max_length=32, choices=Category.choices), verbose_name=_("categories")
    )
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    # Empty while a participant's complaint waits for staff to assess how serious it is (its
    # severity until then is a placeholder); set when staff record or assess it.
    severity_assessed_at = models.DateTimeField(_("severity assessed at"), null=True, blank=True)
    community_agreement = models.CharField(
        _("community agreement involved"), max_length=200, blank=True
    )
    police_called = models.BooleanField(_("police called"), default=False)
    ems_called = models.BooleanField(_("EMS called"), default=False)
    emergency_services_reason = models.TextField(_("why police or EMS were called"), blank=True)

    # The policy in force when the case was reported; its due dates follow that version.
    policy_version = models.ForeignKey(
        "tenants.PolicyVersion", on_delete=models.PROTECT, related_name="cases"
    )
    acknowledgement_due_at = models.DateTimeField(_("acknowledgement due"))
    response_due_at = models.DateTimeField(_("response due"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded with an outcome at"), null=True, blank=True)

    owner = user_field(_("owner"))
    reported_by = user_field(_("reported by"))
    # Given to a participant who filed a complaint, to check its status without signing in.
    tracking_code = models.CharField(
        _("tracking code"), max_length=20, unique=True, null=True, blank=True
    )
    ended_at = models.DateTimeField(_("closed, withdrawn or resolved at"), null=True, blank=True)
    ending_reason = models.TextField(_("reason for withdrawing or resolving early"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["state", "response_due_at"]),
            models.Index(next_due(), "id", name="case_next_due_idx"),
        ]
        constraints = [
            one_of("state", State, "case_state_valid"),
            one_of("kind", CaseKind, "case_kind_valid"),
            one_of("severity", Severity, "case_severity_valid"),
            not_empty("narrative", "case_narrative_not_empty"),
            models.CheckConstraint(
                name="case_categories_valid",
                condition=Q(categories__contained_by=Category.values, categories__len__gte=1),
            ),
            models.CheckConstraint(
                name="case_occurred_before_report", condition=Q(occurred_at__lte=F("reported_at"))
            ),
            models.CheckConstraint(
                name="case_due_dates_ordered",
                condition=Q(
                    acknowledgement_due_at__gt=F("reported_at"),
                    response_due_at__gte=F("acknowledgement_due_at"),
                ),
            ),
            models.CheckConstraint(
                name="case_emergency_services_reason",
                condition=Q(police_called=False, ems_called=False)
                | ~Q(emergency_services_reason=""),
            ),
            models.CheckConstraint(
                name="case_tracking_code_for_complaints",
                condition=Q(tracking_code__isnull=True) | Q(kind=CaseKind.COMPLAINT),
            ),
            models.CheckConstraint(
                name="case_final_state_has_end",
                condition=~Q(state__in=sorted(FINAL_STATES)) | Q(ended_at__isnull=False),
            ),
            models.CheckConstraint(
                name="case_early_end_has_reason",
                condition=~Q(state__in=[State.WITHDRAWN, State.RESOLVED_EARLY])
                | ~Q(ending_reason=""),
            ),
        ]

    def __str__(self):
        return _("Case %(id)s") % {"id": self.pk}

    @property
    def is_open(self):
        return self.state not in FINAL_STATES

    def acknowledgement_status(self, now=None):
        return due_status(self.acknowledgement_due_at, self.acknowledged_at, now)

    def response_status(self, now=None):
        return due_status(self.response_due_at, self.responded_at, now)


class CaseNumber(models.Model):
    """The last case number given in this program: one row. Numbers come from here, not from
    the table's identity sequence, which PostgreSQL never gives back: a refused form would
    leave a gap (5, 8, 12) that reads as missing records."""

    last = models.BigIntegerField(_("last case number given"))  # no unnamed CHECK (Citus)

    class Meta:
        constraints = [models.CheckConstraint(name="case_number_one_row", condition=Q(id=1))]

    def __str__(self):
        return str(self.last)


def take_case_number():
    """The next case number: one more than any given before in this program. The counter row
    stays locked until the case's transaction ends, so a refused form gives its number back
    and two cases never share one. (Raw SQL: UPDATE ... RETURNING reads and bumps in one
    statement, and `setval` keeps bulk loads, which use the identity sequence, past it.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workflow_casenumber SET last = GREATEST("
            " last, (SELECT COALESCE(max(id), 0) FROM workflow_case)) + 1"
            " WHERE id = 1 RETURNING last"
        )
        number = cursor.fetchone()[0]
        cursor.execute("SELECT setval(pg_get_serial_sequence('workflow_case', 'id'), %s)", [number])
    return number


class PartyRole(models.TextChoices):
    HARMED_PERSON = "harmed_person", _("Harmed person")
    PERSON_WHO_DID_HARM = "person_who_did_harm", _("Person who did harm")
    COMPLAINANT = "complainant", _("Complainant")
    WITNESS = "witness", _("Witness")
    REPRESENTATIVE = "representative", _("Representative")
    SUPPORT_PERSON = "support_person", _("Support person")
    FACILITATOR = "facilitator", _("Facilitator")


class PartyKind(models.TextChoices):
    """Who stands behind a party. Most are a registered participant or a staff member; a person
    who filed on the public page is a party without either (often anonymous: reached only through
    their own code), and so is someone a party names to represent or support them."""

    PARTICIPANT = "participant", _("Participant")
    STAFF = "staff", _("Staff member")
    FILER = "filer", _("Filed on the public page")
    NAMED = "named", _("Named by a party")


# The roles a party may give someone they name themselves.
NAMED_ROLES = (PartyRole.REPRESENTATIVE, PartyRole.SUPPORT_PERSON)


class CaseParty(models.Model):
    """A participant, or a staff member (for example in a staff-conduct case), in one role; or
    the person who filed a complaint on the public page; or someone a party named to represent
    or support them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=24, choices=PartyRole.choices)
    kind = models.CharField(
        _("who"), max_length=16, choices=PartyKind.choices, default=PartyKind.PARTICIPANT
    )
    participant = models.ForeignKey(
        "tenants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_parties",
    )
    staff_user = user_field(_("staff member"))
    # The name a filer gave (empty: anonymous), or the name of a person a party named.
    name = models.CharField(_("name"), max_length=100, blank=True)
    # A representative speaks for one other party of the case (either side may choose one); a
    # support person may say whom they support.
    represents = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="representatives"
    )
    # The code that opens this party's own page (the filer's is the case's tracking code), and
    # an optional passphrase they chose, kept only as a hash.
    access_code = models.CharField(
        _("code for their own page"), max_length=20, unique=True, null=True, blank=True
    )
    passphrase_hash = models.CharField(max_length=128, blank=True)
    # The language this party's notices and own page are written in: the participant's, or the
    # one a filer used on the public page; empty: the program's first language.
    language = language_field()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = _("case parties")
        constraints = [
            one_of("role", PartyRole, "party_role_valid"),
            one_of("kind", PartyKind, "party_kind_valid"),
            models.CheckConstraint(
                name="party_kind_matches_person",
                condition=Q(
                    kind=PartyKind.PARTICIPANT,
                    participant__isnull=False,
                    staff_user__isnull=True,
                    name="",
                )
                | Q(
                    kind=PartyKind.STAFF,
                    participant__isnull=True,
                    staff_user__isnull=False,
                    name="",
                )
                | Q(
                    kind=PartyKind.FILER,
                    participant__isnull=True,
                    staff_user__isnull=True,
                    role=PartyRole.COMPLAINANT,
                )
                | (
                    Q(
                        kind=PartyKind.NAMED,
                        participant__isnull=True,
                        staff_user__isnull=True,
                        role__in=NAMED_ROLES,
                    )
                    & ~Q(name="")
                ),
            ),
            models.CheckConstraint(
                name="party_representative_represents",
                condition=Q(role=PartyRole.REPRESENTATIVE, represents__isnull=False)
                | Q(role=PartyRole.SUPPORT_PERSON)
                | (~Q(role__in=NAMED_ROLES) & Q(represents__isnull=True)),
            ),
            models.CheckConstraint(
                name="party_passphrase_needs_code",
                condition=Q(passphrase_hash="") | Q(access_code__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["case", "participant", "role"], name="party_participant_role_once"
            ),
            models.UniqueConstraint(
                fields=["case", "staff_user", "role"], name="party_staff_role_once"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind=PartyKind.FILER),
                name="party_one_filer_per_case",
            ),
        ]

    def __str__(self):
        return f"{self.label} · {self.get_role_display()}"

    @property
    def label(self):
        """How the party appears to staff: code and alias, or what else is known of them."""
        if self.kind == PartyKind.PARTICIPANT:
            return str(self.participant)
        if self.kind == PartyKind.STAFF:
            return str(_("staff member"))
        if self.kind == PartyKind.FILER:
            return self.name or str(_("anonymous"))
        return self.name


class NoticeKind(models.TextChoices):
    PROCESS = "process", _("Notice of the process, rights and timeline")
    DECISION = "decision", _("Decision and how to appeal")
    APPEAL_OUTCOME = "appeal_outcome", _("Appeal outcome")


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    READ_ALOUD = "read_aloud", _("Read aloud")
    PRINTED = "printed", _("Printed")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    OWN_PAGE = "own_page", _("Read on their own page")


# What staff may record; "read on their own page" is recorded only when the party opens it.
STAFF_DELIVERY_METHODS = [m for m in DeliveryMethod if m != DeliveryMethod.OWN_PAGE]


class Notice(models.Model):
    """What a party was told, generated from the policy, and how it reached them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    party = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    text = models.TextField(_("text"))
    generated_at = models.DateTimeField(auto_now_add=True)
    delivery_method = models.CharField(
        _("delivered by"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = user_field(_("delivered by"))

    class Meta:
        ordering = ["id"]
        constraints = [
            one_of("kind", NoticeKind, "notice_kind_valid"),
            not_empty("text", "notice_text_not_empty"),
            models.CheckConstraint(
                name="notice_delivery_complete",
                condition=Q(delivery_method="", delivered_at__isnull=True)
                | (Q(delivery_method__in=DeliveryMethod.values) & Q(delivered_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.party}"
