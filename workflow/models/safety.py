"""Immediate safety steps: temporary bans (never permanent, always with a supply access plan)
and low-level responses recorded without opening the full process."""

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import BAN_HARD_CAP_DAYS
from workflow.dates import day
from workflow.models.fields import not_empty, one_of, user_field


class SupplyAccessPlan(models.TextChoices):
    OFFSITE_BAGS = "offsite_bags", _("Bags of supplies offsite")
    OUTREACH = "outreach", _("Outreach brings supplies")
    ANOTHER_SITE = "another_site", _("Supplies at another site")


class OtherBans(models.TextChoices):
    """When the person is already banned in another case: which end is the welcome-back date."""

    KEEP = "keep", _("Keep the existing welcome-back date")
    SET = "set", _("Set this ban's end as the one welcome-back date")


# A supply gap is reminded in the morning, when staff can still get supplies out that day.
SUPPLY_GAP_REMINDER_TIME = time(9, 0)


class BanQuerySet(models.QuerySet["Ban"]):
    def running(self, now: datetime | None = None) -> "BanQuerySet":
        """Bans not over yet: not ended early, not replaced by then, end still ahead (those
        that start later and those paused during an appeal included)."""
        now = now or timezone.now()
        return self.filter(ended_early_at__isnull=True, ends_at__gt=now).filter(
            Q(replaced_at__isnull=True) | Q(replaced_at__gt=now)
        )

    def in_effect(self, now=None):
        """Bans that keep the person away right now."""
        now = now or timezone.now()
        return self.running(now).filter(starts_at__lte=now, paused_since__isnull=True)


class Ban(models.Model):
    """A temporary ban. The end is required and within `max_days` (copied from the policy when
    imposed), and the row can never exceed the hard cap: a permanent ban cannot be stored."""

    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="bans")
    participant = models.ForeignKey(
        "tenants.Participant", on_delete=models.PROTECT, related_name="bans"
    )
    # Not a column: what imposing the ban changed (other bans replaced or shortened), set by
    # workflow.services.safety.build_ban for the step's timeline event.
    changes: dict[str, Any]
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    max_days = models.SmallIntegerField(_("longest ban the policy allowed"))
    reason = models.TextField(_("reason"))
    supply_access_plan = models.CharField(
        _("supply access plan"), max_length=16, choices=SupplyAccessPlan.choices
    )
    supply_access_details = models.TextField(_("how supplies will reach the person"))
    imposed_by = user_field(_("imposed by"))
    imposed_at = models.DateTimeField(auto_now_add=True)
    # While an appeal is open and the policy says so, the ban is not enforced.
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    ended_early_at = models.DateTimeField(_("ended early at"), null=True, blank=True)
    ended_early_reason = models.TextField(_("why it ended early"), blank=True)
    # A case's bans of one person form one chain: a later ban (the decision's, a plan modified
    # on appeal, or a ban elsewhere that sets the welcome-back date) replaces the current one
    # from its start. The replaced row stays on record, with who replaced it and why.
    replaced_at = models.DateTimeField(_("replaced from"), null=True, blank=True)
    replaced_by = user_field(_("replaced by"))
    replaced_reason = models.TextField(_("why it was replaced"), blank=True, db_default="")
    replaced_by_ban = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_bans",
        verbose_name=_("replaced by the ban"),
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                name="ban_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(
                name="ban_within_policy_maximum",
                condition=Q(
                    ends_at__lte=ExpressionWrapper(
                        F("starts_at")
                        + ExpressionWrapper(
                            F("max_days") * Value(timedelta(days=1)), output_field=DurationField()
                        ),
                        output_field=DateTimeField(),
                    )
                ),
            ),
            models.CheckConstraint(
                name="ban_maximum_never_permanent",
                condition=Q(max_days__gte=1, max_days__lte=BAN_HARD_CAP_DAYS),
            ),
            one_of("supply_access_plan", SupplyAccessPlan, "ban_supply_plan_valid"),
            not_empty("supply_access_details", "ban_supply_details_not_empty"),
            not_empty("reason", "ban_reason_not_empty"),
            models.CheckConstraint(
                name="ban_early_end_has_reason",
                condition=Q(ended_early_at__isnull=True) | ~Q(ended_early_reason=""),
            ),
            models.CheckConstraint(
                name="ban_replacement_has_reason",
                condition=Q(replaced_at__isnull=True, replaced_reason="")
                | (Q(replaced_at__isnull=False) & ~Q(replaced_reason="")),
            ),
            # One current ban per person per case: neither ended nor replaced. Static (no
            # now()), so the database itself refuses a second running ban in the same case.
            models.UniqueConstraint(
                fields=["case", "participant"],
                condition=Q(ended_early_at__isnull=True, replaced_at__isnull=True),
                name="ban_one_current_per_person_in_case",
            ),
        ]

    def __str__(self):
        return _("Ban of %(who)s until %(end)s") % {
            "who": self.participant,
            "end": day(self.effective_end),
        }

    def clean(self):
        errors = {}
        if self.ends_at is None:
            errors["ends_at"] = _("A ban needs an end date; bans are never permanent.")
        elif self.starts_at is not None:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = _("The end must be after the start.")
            elif self.max_days and self.ends_at > self.starts_at + timedelta(days=self.max_days):
                errors["ends_at"] = _(
                    "The program's policy allows bans of at most %(days)s days; choose an end "
                    "on or before %(latest)s."
                ) % {
                    "days": self.max_days,
                    "latest": day(self.starts_at + timedelta(days=self.max_days)),
                }
        if not (self.supply_access_details or "").strip():
            errors["supply_access_details"] = _(
                "Say how the person will keep getting supplies while banned."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def effective_end(self):
        """When the person is welcome back as far as this ban goes."""
        ends = [self.ends_at]
        if self.replaced_at is not None:
            ends.append(max(self.replaced_at, self.starts_at))
        if self.ended_early_at is not None:
            ends.append(max(self.ended_early_at, self.starts_at))
        return min(ends)

    def is_running(self, now=None):
        now = now or timezone.now()
        return (
            self.ended_early_at is None
            and now < self.ends_at
            and (self.replaced_at is None or now < self.replaced_at)
        )

    def in_effect(self, now=None):
        now = now or timezone.now()
        return self.is_running(now) and self.starts_at <= now and self.paused_since is None

    def supplied_since(self, supplied_days=None):
        """The last day supplies reached the person since this ban began, or its first day if
        none yet. `supplied_days`: the days supplies reached the person under any of their bans
        (logged on another case's ban, they count here too); by default this ban's own log,
        read with supply_contacts.all() so a prefetch serves it."""
        first = timezone.localdate(self.starts_at)
        if supplied_days is None:
            supplied_days = [contact.reached_on for contact in self.supply_contacts.all()]
        return max((d for d in supplied_days if d >= first), default=first)

    def days_without_supplies(self, today=None, supplied_days=None):
        return ((today or timezone.localdate()) - self.supplied_since(supplied_days)).days

    def next_supply_due(self, every_days, supplied_days=None):
        """The day supplies should next reach the person (proposed as soon as it is imposed)."""
        return self.supplied_since(supplied_days) + timedelta(days=every_days)

    def supply_gap_at(self, every_days, supplied_days=None):
        """When the log falls behind: the morning after the last day supplies were due."""
        late_day = self.supplied_since(supplied_days) + timedelta(days=every_days + 1)
        return timezone.make_aware(datetime.combine(late_day, SUPPLY_GAP_REMINDER_TIME))

    @property
    def outcome(self):
        """How it ended, in a word for pages: replaced, ended early, or None."""
        if self.replaced_at is not None and self.replaced_at < self.ends_at:
            return "replaced"
        if self.ended_early_at is not None and self.ended_early_at < self.ends_at:
            return "ended_early"
        return None


class SupplyMethod(models.TextChoices):
    OFFSITE_BAG = "offsite_bag", _("Bag of supplies offsite")
    OUTREACH = "outreach", _("Outreach")
    ANOTHER_SITE = "another_site", _("Another site")
    MAIL_DELIVERY = "mail_delivery", _("Mail or delivery")
    OTHER = "other", _("Other")


class SupplyContact(models.Model):
    """One time supplies reached a banned person: the proof that a ban did not cut them off."""

    ban = models.ForeignKey(Ban, on_delete=models.CASCADE, related_name="supply_contacts")
    reached_on = models.DateField(_("date"))
    method = models.CharField(_("how"), max_length=16, choices=SupplyMethod.choices)
    given_by = user_field(_("by whom"), null=False)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reached_on", "-id"]
        constraints = [one_of("method", SupplyMethod, "supply_contact_method_valid")]

    def __str__(self):
        return f"Supplies on {self.reached_on:%Y-%m-%d} ({self.method})"


class LowLevelResponse(models.Model):
    """“Asked to leave, welcome back tomorrow”: recorded without opening a case. Append-only."""

    participant = models.ForeignKey(
        "tenants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="low_level_responses",
    )
    occurred_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    what_happened = models.TextField(_("what happened"))
    response = models.TextField(_("what staff did"))
    welcome_back_on = models.DateField(_("welcome back on"), null=True, blank=True)
    recorded_by = user_field(_("recorded by"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            not_empty("what_happened", "low_level_what_not_empty"),
            not_empty("response", "low_level_response_not_empty"),
        ]

    def __str__(self):
        return f"Low-level response on {self.occurred_at:%Y-%m-%d}"
