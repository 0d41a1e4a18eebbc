"""Data in each program's own schema besides cases: participants and the program's policy."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiTokenBase, token_checks
from organizations.languages import language_field

# The field guidance: respond with an outcome within a week at the latest.
RECOMMENDED_RESPONSE_WINDOW_DAYS = 7
# No policy may allow a ban longer than this; bans are never permanent.
BAN_HARD_CAP_DAYS = 180
RESPONSE_WINDOW_CAP_DAYS = 60
APPEAL_WINDOW_CAP_DAYS = 90
MAX_APPEAL_LEVELS = 3
FOLLOW_UP_CAP_DAYS = 365
# Supplies should reach a banned person at least this often (days); a longer gap is a reminder.
DEFAULT_SUPPLY_CONTACT_DAYS = 3
SUPPLY_CONTACT_CAP_DAYS = 14
# Closed cases are removed this long after they closed (each program chooses; see
# workflow/retention.py). At least a month, so an appeal or a follow-up question can still be
# answered; at most ten years.
DEFAULT_RETENTION_DAYS = 730
RETENTION_MIN_DAYS = 30
RETENTION_MAX_DAYS = 3650

# Roles that may be named in a policy (the program roles of accounts.models.Role).
PROGRAM_ROLE_VALUES = ["program_admin", "program_lead", "program_staff"]


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    SEVERE = "severe", _("Severe")


def default_ban_days_by_severity():
    return {"low": 0, "moderate": 3, "high": 7, "severe": 14}


def default_reviewer_roles():
    return ["program_admin", "program_lead"]


def default_decider_roles():
    return ["program_admin", "program_lead"]


def default_follow_up_days():
    return [7, 30, 90]


# Party roles that may ever appeal (the values of workflow's PartyRole). A witness, a
# representative or a support person never appeals in their own name.
APPELLANT_ROLE_VALUES = ["harmed_person", "person_who_did_harm", "complainant"]


def default_appellant_roles():
    return list(APPELLANT_ROLE_VALUES)


def valid_time_zone(name):
    """True for an IANA time zone name this machine knows (for example America/Chicago)."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class Participant(models.Model):
    """Pseudonymous: a code the program chooses and an alias. No legal name is stored."""

    code = models.CharField(_("code"), max_length=40)
    alias = models.CharField(_("alias"), max_length=80, blank=True)
    advisory_board_member = models.BooleanField(
        _("participant advisory board member"), default=False
    )
    # The language their notices, letters and own page are written in (a code of
    # settings.LANGUAGES); empty: the program's first language.
    language = language_field(_("preferred language"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="participant_code_unique_ci"),
            models.CheckConstraint(condition=~models.Q(code=""), name="participant_code_not_empty"),
        ]

    def __str__(self):
        return f"{self.code} ({self.alias})" if self.alias else self.code


class PolicyVersion(models.Model):
    """One version of the program's rules. Rows are never changed (a trigger refuses UPDATE and
    DELETE): a change is a new version, and each case keeps the version it was reported under."""

    number = models.IntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Users live in the public schema: no database FK across schemas, and nothing cascades.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    change_note = models.TextField(_("what changed and why"), blank=True)

    response_window_days = models.SmallIntegerField(
        _("response window (days)"), default=RECOMMENDED_RESPONSE_WINDOW_DAYS
    )
    acknowledgement_window_days = models.SmallIntegerField(
        _("acknowledgement window (days)"), default=2
    )
    max_ban_days = models.SmallIntegerField(_("maximum ban (days)"), default=30)
    ban_days_by_severity = models.JSONField(
        _("ban lengths offered by severity (days)"), default=default_ban_days_by_severity
    )
    appeal_window_days = models.SmallIntegerField(_("appeal window (days)"), default=14)
    appeal_reviewer_roles = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("who may review appeals"),
        default=default_reviewer_roles,
    )
    decider_roles = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("who may decide cases"),
        default=default_decider_roles,
    )
    appeal_levels = models.SmallIntegerField(_("appeal levels"), default=1)
    pause_ban_during_appeal = models.BooleanField(
        _("pause a ban while an appeal is open"), default=False
    )
    supply_contact_every_days = models.SmallIntegerField(
        _("supplies reach a banned person at least every (days)"),
        default=DEFAULT_SUPPLY_CONTACT_DAYS,
    )
    follow_up_days = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("follow-ups (days after decision)"),
        default=default_follow_up_days,
    )
    community_check_in_days = models.SmallIntegerField(
        _("community-restoration check-in every (days)"), default=30
    )
    facilitator_required = models.BooleanField(_("neutral facilitator required"), default=True)
    advisory_board_on_panels = models.BooleanField(
        _("advisory board members may sit on hearing panels"), default=True
    )
    retention_days_after_close = models.IntegerField(
        _("keep closed cases for (days after closing)"), default=DEFAULT_RETENTION_DAYS
    )
    appellant_roles = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("who may appeal"),
        default=default_appellant_roles,
    )
    # Dates and times on pages, notices and exports are shown in this zone; empty: the
    # platform's (settings.TIME_ZONE).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=0), name="policy_number_not_negative"),
            models.CheckConstraint(
                name="policy_response_window_range",
                condition=Q(
                    response_window_days__gte=1, response_window_days__lte=RESPONSE_WINDOW_CAP_DAYS
                ),
            ),
            models.CheckConstraint(
                name="policy_ack_window_within_response",
                condition=Q(
                    acknowledgement_window_days__gte=1,
                    acknowledgement_window_days__lte=models.F("response_window_days"),
                ),
            ),
            models.CheckConstraint(
                name="policy_ban_never_permanent",
                condition=Q(max_ban_days__gte=1, max_ban_days__lte=BAN_HARD_CAP_DAYS),
            ),
            models.CheckConstraint(
                name="policy_appeal_window_range",
                condition=Q(
                    appeal_window_days__gte=1, appeal_window_days__lte=APPEAL_WINDOW_CAP_DAYS
                ),
            ),
            models.CheckConstraint(
                name="policy_appeal_levels_range",
                condition=Q(appeal_levels__gte=1, appeal_levels__lte=MAX_APPEAL_LEVELS),
            ),
            models.CheckConstraint(
                name="policy_reviewer_roles_valid",
                condition=Q(appeal_reviewer_roles__contained_by=PROGRAM_ROLE_VALUES)
                & Q(appeal_reviewer_roles__len__gte=1),
            ),
            models.CheckConstraint(
                name="policy_decider_roles_valid",
                condition=Q(decider_roles__contained_by=PROGRAM_ROLE_VALUES)
                & Q(decider_roles__len__gte=1),
            ),
            models.CheckConstraint(
                name="policy_appellant_roles_valid",
                condition=Q(appellant_roles__contained_by=APPELLANT_ROLE_VALUES)
                & Q(appellant_roles__len__gte=1),
            ),
            models.CheckConstraint(
                name="policy_has_follow_ups", condition=Q(follow_up_days__len__gte=1)
            ),
            models.CheckConstraint(
                name="policy_retention_range",
                condition=Q(
                    retention_days_after_close__gte=RETENTION_MIN_DAYS,
                    retention_days_after_close__lte=RETENTION_MAX_DAYS,
                ),
            ),
            models.CheckConstraint(
                name="policy_supply_contact_range",
                condition=Q(
                    supply_contact_every_days__gte=1,
                    supply_contact_every_days__lte=SUPPLY_CONTACT_CAP_DAYS,
                ),
            ),
            models.CheckConstraint(
                name="policy_check_in_cadence_range",
                condition=Q(
                    community_check_in_days__gte=1, community_check_in_days__lte=FOLLOW_UP_CAP_DAYS
                ),
            ),
        ]

    def __str__(self):
        return _("Policy version %(number)s") % {"number": self.number}

    @property
    def beyond_recommendation(self):
        """A response window longer than the field recommends is allowed, but flagged."""
        return self.response_window_days > RECOMMENDED_RESPONSE_WINDOW_DAYS

    # field: (lowest, highest); the same limits are CHECK constraints above.
    LIMITS = {
        "response_window_days": (1, RESPONSE_WINDOW_CAP_DAYS),
        "max_ban_days": (1, BAN_HARD_CAP_DAYS),
        "appeal_window_days": (1, APPEAL_WINDOW_CAP_DAYS),
        "appeal_levels": (1, MAX_APPEAL_LEVELS),
        "community_check_in_days": (1, FOLLOW_UP_CAP_DAYS),
        "supply_contact_every_days": (1, SUPPLY_CONTACT_CAP_DAYS),
        "retention_days_after_close": (RETENTION_MIN_DAYS, RETENTION_MAX_DAYS),
    }

    def clean(self):
        errors = {}
        for name, (low, high) in self.LIMITS.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                errors[name] = _("Choose a number from %(low)s to %(high)s.") % {
                    "low": low,
                    "high": high,
                }
        ack, response = self.acknowledgement_window_days, self.response_window_days
        if ack is not None and response is not None and not 1 <= ack <= response:
            errors["acknowledgement_window_days"] = _(
                "The acknowledgement window must be at least 1 day and no longer than the "
                "response window (%(days)s days)."
            ) % {"days": response}
        for name in ("appeal_reviewer_roles", "decider_roles"):
            roles = getattr(self, name) or []
            if not roles or set(roles) - set(PROGRAM_ROLE_VALUES):
                errors[name] = _("Choose one or more of: %(roles)s.") % {
                    "roles": ", ".join(PROGRAM_ROLE_VALUES)
                }
        appellants = self.appellant_roles or []
        if not appellants or set(appellants) - set(APPELLANT_ROLE_VALUES):
            errors["appellant_roles"] = _("Choose one or more of: %(roles)s.") % {
                "roles": ", ".join(APPELLANT_ROLE_VALUES)
            }
        if self.time_zone and not valid_time_zone(self.time_zone):
            errors["time_zone"] = _(
                "“%(zone)s” is not a time zone name; use one like America/Chicago."
            ) % {"zone": self.time_zone}
        offered = self.ban_days_by_severity
        if not isinstance(offered, dict) or set(offered) - set(Severity.values):
            errors["ban_days_by_severity"] = _(
                "Give ban lengths as days per severity: low, moderate, high, severe."
            )
        else:
            for severity, days in offered.items():
                if not isinstance(days, int) or days < 0 or days > (self.max_ban_days or 0):
                    errors["ban_days_by_severity"] = _(
                        "The ban offered for “%(severity)s” must be between 0 and the maximum "
                        "ban of %(max)s days."
                    ) % {"severity": severity, "max": self.max_ban_days}
                    break
        days = self.follow_up_days or []
        if any(d < 1 or d > FOLLOW_UP_CAP_DAYS for d in days) or list(days) != sorted(set(days)):
            errors["follow_up_days"] = _(
                "Give follow-up days in increasing order, each between 1 and %(cap)s."
            ) % {"cap": FOLLOW_UP_CAP_DAYS}
        if errors:
            raise ValidationError(errors)


class SetupStep(models.Model):
    """A step of a new program's first-run list that no other record shows by itself (the
    poster opened for printing); the others tick from the records they leave."""

    name = models.CharField(_("step"), max_length=32, unique=True)
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)

    def __str__(self):
        return self.name


class MemberToken(ApiTokenBase):
    """A program member's personal API token, for their own scripts. Kept in the program's
    schema, so a token of one program is unknown on every other program's host. It acts as its
    member, no more, and only as far as the sign-in that made it (`made_verified`)."""

    # Users live in the public schema: no database FK across schemas, and nothing cascades.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Whether the session that made it had passed two-factor sign-in. A token made with a password
    # alone never opens what needs two-factor sign-in, even after its member is given such a role
    # (tenants.api_tokens.member_for_token). Tokens made before this was recorded count as not.
    made_verified = models.BooleanField(default=False, db_default=False)

    class Meta(ApiTokenBase.Meta):
        constraints = token_checks("member")
