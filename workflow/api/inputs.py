"""What each step accepts. These only check types and shapes and turn ids into objects of the
current program's schema; the rules themselves live in the services."""

from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.models import Participant, Severity
from workflow.access import NOT_A_MEMBER, members_of
from workflow.models import (
    STAFF_DELIVERY_METHODS,
    ActionKind,
    ActionStatus,
    AppealOutcome,
    CaseKind,
    Category,
    ContributingFactor,
    NotHeardReason,
    OtherBans,
    PartyRole,
    SupplyAccessPlan,
    SupplyMethod,
)


@extend_schema_field(OpenApiTypes.INT)
class UserField(serializers.PrimaryKeyRelatedField):
    """A member of this program, by id. An account of another program or of the platform gets
    the very answer of an id no account has (workflow.access.NOT_A_MEMBER)."""

    default_error_messages = {
        "does_not_exist": NOT_A_MEMBER,
        "incorrect_type": NOT_A_MEMBER,
    }

    def get_queryset(self):
        return members_of(connection.tenant)


@extend_schema_field(OpenApiTypes.INT)
class ParticipantField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Participant.objects.all()


@extend_schema_field(OpenApiTypes.INT)
class PartyField(serializers.PrimaryKeyRelatedField):
    """A party of the case in the URL, and only of that case."""

    def get_queryset(self):
        return self.context["case"].parties.all()


class PartyInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    participant = ParticipantField(required=False, allow_null=True)
    staff_user = UserField(required=False, allow_null=True)

    def validate(self, data):
        if bool(data.get("participant")) == bool(data.get("staff_user")):
            raise serializers.ValidationError(
                {"participant": _("Name either a participant or a staff member, not both.")}
            )
        return data


class AddPartyInput(PartyInput):
    represents = PartyField(required=False, allow_null=True)


class ReportCaseInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    occurred_at = serializers.DateTimeField()
    reported_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    narrative = serializers.CharField()
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), min_length=1
    )
    severity = serializers.ChoiceField(choices=Severity.choices)
    community_agreement = serializers.CharField(required=False, allow_blank=True, max_length=200)
    police_called = serializers.BooleanField(required=False, default=False)
    ems_called = serializers.BooleanField(required=False, default=False)
    emergency_services_reason = serializers.CharField(required=False, allow_blank=True)
    parties = PartyInput(many=True, required=False)
    owner = UserField(required=False, allow_null=True)
    issue_tracking_code = serializers.BooleanField(required=False, default=False)


class OwnerInput(serializers.Serializer):
    owner = UserField()


class SeverityInput(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BanTermsInput(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1)
    ends_at = serializers.DateTimeField(required=False)
    starts_at = serializers.DateTimeField(required=False)
    supply_access_plan = serializers.ChoiceField(choices=SupplyAccessPlan.choices)
    supply_access_details = serializers.CharField()
    # The person is already banned in another case: keep that end, or set this one.
    other_bans = serializers.ChoiceField(choices=OtherBans.choices, required=False)


class PlanBanInput(BanTermsInput):
    """A plan's ban: new terms, or `keep_current` to keep the person's running ban in this case
    as it is (a reviewer who changes other actions need not restart the ban)."""

    supply_access_plan = serializers.ChoiceField(choices=SupplyAccessPlan.choices, required=False)
    supply_access_details = serializers.CharField(required=False)
    keep_current = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data.get("keep_current"):
            for name in ("supply_access_plan", "supply_access_details"):
                if not data.get(name):
                    raise serializers.ValidationError({name: [_("This field is required.")]})
        return data


class ImposeBanInput(BanTermsInput):
    participant = ParticipantField()
    reason = serializers.CharField()


class ReportBanInput(ImposeBanInput):
    """The immediate ban sent with a report; its reason defaults to what happened."""

    reason = serializers.CharField(required=False, allow_blank=True)


class ReportCaseWithBanInput(ReportCaseInput):
    ban = ReportBanInput(required=False)


class SupplyContactInput(serializers.Serializer):
    reached_on = serializers.DateField()
    method = serializers.ChoiceField(choices=SupplyMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CloseInput(serializers.Serializer):
    # A ban of the case still running: closing says so first and needs this to go ahead.
    confirm_running_bans = serializers.BooleanField(required=False, default=False)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class NoticeDeliveryInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=[(m.value, m.label) for m in STAFF_DELIVERY_METHODS])
    delivered_at = serializers.DateTimeField(required=False)


class InvestigationInput(serializers.Serializer):
    investigator = UserField()


class StatementInput(serializers.Serializer):
    content = serializers.CharField()
    party = PartyField(required=False, allow_null=True)
    given_at = serializers.DateTimeField(required=False)


class EvidenceInput(serializers.Serializer):
    file = serializers.FileField(source="uploaded_file")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class FactorsInput(serializers.Serializer):
    factors = serializers.ListField(
        child=serializers.ChoiceField(choices=ContributingFactor.choices)
    )
    other_factor = serializers.CharField(required=False, allow_blank=True)
    context_notes = serializers.CharField(required=False, allow_blank=True)


class HearingInput(serializers.Serializer):
    scheduled_for = serializers.DateTimeField()
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    facilitator = UserField(required=False, allow_null=True)
    attendees = PartyField(many=True, required=False)
    panelists = ParticipantField(many=True, required=False)


class HearingOutcomeInput(serializers.Serializer):
    harmed_person_heard = serializers.BooleanField()
    not_heard_reason = serializers.ChoiceField(
        choices=NotHeardReason.choices, required=False, allow_blank=True
    )
    held_at = serializers.DateTimeField(required=False)
    outcome_notes = serializers.CharField(required=False, allow_blank=True)


class RescheduleHearingInput(serializers.Serializer):
    scheduled_for = serializers.DateTimeField()
    location = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField()


class CancelHearingInput(serializers.Serializer):
    reason = serializers.CharField()


class ConsentInput(serializers.Serializer):
    party = PartyField()
    given_at = serializers.DateTimeField(required=False)


class WithdrawConsentInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class ActionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    owner = UserField()
    due_date = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True)
    for_party = PartyField(required=False, allow_null=True)
    restitution_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    restitution_goods = serializers.CharField(required=False, allow_blank=True)
    restitution_tracking = serializers.CharField(required=False, allow_blank=True)
    ban = PlanBanInput(required=False, allow_null=True)


def plain_actions(actions):
    """The plan's actions as plain dicts (their ban terms too), as the services take them."""
    plain = []
    for spec in actions:
        spec = dict(spec)
        if spec.get("ban") is not None:
            spec["ban"] = dict(spec["ban"])
        plain.append(spec)
    return plain


class PlanInput(serializers.Serializer):
    actions = ActionInput(many=True, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    community_impact = serializers.CharField(required=False, allow_blank=True)

    def validate(self, data):
        data["actions"] = plain_actions(data.get("actions", []))
        return data


class DecisionInput(PlanInput):
    reasons = serializers.CharField()
    harmed_person_heard = serializers.BooleanField(required=False, allow_null=True, default=None)
    not_heard_reason = serializers.ChoiceField(
        choices=NotHeardReason.choices, required=False, allow_blank=True
    )
    contributing_factors = serializers.ListField(
        child=serializers.ChoiceField(choices=ContributingFactor.choices),
        required=False,
        allow_null=True,
        default=None,
    )


class AppealInput(serializers.Serializer):
    party = PartyField()
    grounds = serializers.CharField()


class AppealDecisionInput(PlanInput):
    outcome = serializers.ChoiceField(choices=AppealOutcome.choices)
    reasons = serializers.CharField(help_text="Internal notes, for staff only.")
    reasons_for_parties = serializers.CharField(
        help_text="What every party's appeal-outcome notice says."
    )

    def validate(self, data):
        data = super().validate(data)
        data["actions"] = data["actions"] or None  # no actions: the plan stays as it is
        return data


class ActionStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True)


class FollowUpDoneInput(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True)


class ParticipantInput(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    alias = serializers.CharField(max_length=80, required=False, allow_blank=True)
    advisory_board_member = serializers.BooleanField(required=False, default=False)
    language = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")


class PolicyChangeInput(serializers.Serializer):
    change_note = serializers.CharField(required=False, allow_blank=True)
    response_window_days = serializers.IntegerField(required=False)
    acknowledgement_window_days = serializers.IntegerField(required=False)
    max_ban_days = serializers.IntegerField(required=False)
    ban_days_by_severity = serializers.DictField(child=serializers.IntegerField(), required=False)
    appeal_window_days = serializers.IntegerField(required=False)
    appeal_reviewer_roles = serializers.ListField(child=serializers.CharField(), required=False)
    decider_roles = serializers.ListField(child=serializers.CharField(), required=False)
    appeal_levels = serializers.IntegerField(required=False)
    pause_ban_during_appeal = serializers.BooleanField(required=False)
    supply_contact_every_days = serializers.IntegerField(required=False)
    follow_up_days = serializers.ListField(child=serializers.IntegerField(), required=False)
    community_check_in_days = serializers.IntegerField(required=False)
    facilitator_required = serializers.BooleanField(required=False)
    advisory_board_on_panels = serializers.BooleanField(required=False)
    retention_days_after_close = serializers.IntegerField(required=False)


class LowLevelResponseInput(serializers.Serializer):
    what_happened = serializers.CharField()
    response = serializers.CharField(required=False, allow_blank=True)
    participant = ParticipantField(required=False, allow_null=True)
    occurred_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    welcome_back_on = serializers.DateField(required=False, allow_null=True)
