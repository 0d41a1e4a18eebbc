"""What the API sends back. Participants appear by code and alias; users by id."""

from django.urls import reverse
from rest_framework import serializers

from tenants.models import Participant, PolicyVersion
from workflow.away import away_one
from workflow.models import (
    Appeal,
    Ban,
    Case,
    CaseEvent,
    CaseParty,
    Consent,
    Decision,
    EvidenceFile,
    FollowUp,
    Hearing,
    Investigation,
    LowLevelResponse,
    Notice,
    RestorationPlan,
    RestorativeAction,
    Statement,
    SupplyContact,
)
from workflow.states import allowed_steps


class ParticipantSerializer(serializers.ModelSerializer):
    away = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = ["id", "code", "alias", "advisory_board_member", "language", "created_at", "away"]

    def get_away(self, participant) -> dict | None:
        """One welcome-back date (the latest end of the person's running bans), the cases
        behind it, and the days since supplies last reached them; None when welcome now."""
        people = self.context.get("away")
        if people is not None:
            person = people().get(participant.pk)
        else:
            # Bans of a case the reader is a party to are left out, as everywhere.
            user = getattr(self.context.get("request"), "user", None)
            person = away_one(participant, user=user) if user is not None else None
        if person is None:
            return None
        return {
            "welcome_back": person.welcome_back,
            "cases": person.case_ids,
            "in_effect": person.in_effect,
            "days_without_supplies": person.days_without_supplies,
            "supply_gap": person.supply_gap,
        }


class PolicySerializer(serializers.ModelSerializer):
    beyond_recommendation = serializers.BooleanField(read_only=True)

    class Meta:
        model = PolicyVersion
        fields = [
            "number",
            "created_at",
            "created_by",
            "change_note",
            "response_window_days",
            "beyond_recommendation",
            "acknowledgement_window_days",
            "max_ban_days",
            "ban_days_by_severity",
            "appeal_window_days",
            "appeal_reviewer_roles",
            "decider_roles",
            "appeal_levels",
            "pause_ban_during_appeal",
            "supply_contact_every_days",
            "follow_up_days",
            "community_check_in_days",
            "facilitator_required",
            "advisory_board_on_panels",
            "retention_days_after_close",
        ]


class PartySerializer(serializers.ModelSerializer):
    participant = ParticipantSerializer(read_only=True)

    class Meta:
        model = CaseParty
        fields = [
            "id",
            "role",
            "kind",
            "participant",
            "staff_user",
            "name",
            "represents",
            "added_at",
        ]


class SupplyContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplyContact
        fields = ["id", "reached_on", "method", "given_by", "note", "recorded_at"]


class BanSerializer(serializers.ModelSerializer):
    participant = serializers.CharField(source="participant.code", read_only=True)
    effective_end = serializers.DateTimeField(read_only=True)
    supply_contacts = SupplyContactSerializer(many=True, read_only=True)

    class Meta:
        model = Ban
        fields = [
            "id",
            "participant",
            "starts_at",
            "ends_at",
            "max_days",
            "reason",
            "supply_access_plan",
            "supply_access_details",
            "imposed_by",
            "imposed_at",
            "paused_since",
            "ended_early_at",
            "ended_early_reason",
            "replaced_at",
            "replaced_by",
            "replaced_reason",
            "replaced_by_ban",
            "effective_end",
            "supply_contacts",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = [
            "id",
            "party",
            "kind",
            "text",
            "generated_at",
            "delivery_method",
            "delivered_at",
            "delivered_by",
        ]


class InvestigationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Investigation
        fields = [
            "investigator",
            "started_at",
            "started_by",
            "context_notes",
            "contributing_factors",
            "other_factor",
        ]


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Statement
        fields = ["id", "party", "given_at", "content", "recorded_by", "recorded_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, evidence) -> str:
        return reverse("case-evidence-download", args=[evidence.case_id, evidence.pk])


class HearingSerializer(serializers.ModelSerializer):
    panelists = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Hearing
        fields = [
            "id",
            "scheduled_for",
            "location",
            "facilitator",
            "attendees",
            "panelists",
            "scheduled_by",
            "held_at",
            "harmed_person_heard",
            "not_heard_reason",
            "cancelled_at",
            "cancel_reason",
            "outcome_notes",
        ]


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "party", "given_at", "recorded_by", "withdrawn_at", "withdrawal_note"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "decided_by",
            "decided_at",
            "reasons",
            "harmed_person_heard",
            "not_heard_reason",
            "contributing_factors",
            "appeal_deadline",
        ]


class ActionSerializer(serializers.ModelSerializer):
    is_community_action = serializers.BooleanField(read_only=True)

    class Meta:
        model = RestorativeAction
        fields = [
            "id",
            "kind",
            "is_community_action",
            "description",
            "for_party",
            "owner",
            "due_date",
            "status",
            "status_note",
            "restitution_amount",
            "restitution_goods",
            "restitution_tracking",
            "ban",
        ]


class PlanSerializer(serializers.ModelSerializer):
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = RestorationPlan
        fields = [
            "version",
            "origin",
            "appeal",
            "summary",
            "community_impact",
            "created_by",
            "created_at",
            "superseded_at",
            "actions",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "kind", "due_at", "status", "done_at", "done_by", "notes", "waive_reason"]


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "level",
            "filed_by",
            "filed_at",
            "window_closed_at",
            "grounds",
            "reviewer",
            "decided_at",
            "outcome",
            "outcome_reasons",
            "reasons_for_parties",
        ]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["seq", "at", "actor", "action", "before", "after", "prev_hash", "hash"]


class LowLevelResponseSerializer(serializers.ModelSerializer):
    participant = serializers.CharField(source="participant.code", read_only=True, default=None)

    class Meta:
        model = LowLevelResponse
        fields = [
            "id",
            "participant",
            "occurred_at",
            "location",
            "what_happened",
            "response",
            "welcome_back_on",
            "recorded_by",
            "recorded_at",
        ]


class CaseSummarySerializer(serializers.ModelSerializer):
    acknowledgement_status = serializers.CharField(read_only=True)
    response_status = serializers.CharField(read_only=True)
    policy_version = serializers.IntegerField(source="policy_version.number", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "kind",
            "state",
            "occurred_at",
            "reported_at",
            "location",
            "categories",
            "severity",
            "severity_assessed_at",
            "policy_version",
            "acknowledgement_due_at",
            "acknowledgement_status",
            "response_due_at",
            "response_status",
            "owner",
            "tracking_code",
        ]

    def to_representation(self, case):
        data = super().to_representation(case)
        data["acknowledgement_status"] = case.acknowledgement_status()
        data["response_status"] = case.response_status()
        return data


class CaseDetailSerializer(CaseSummarySerializer):
    parties = PartySerializer(many=True, read_only=True)
    bans = BanSerializer(many=True, read_only=True)
    notices = NoticeSerializer(many=True, read_only=True)
    investigation = InvestigationSerializer(read_only=True, allow_null=True)
    statements = StatementSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    hearings = HearingSerializer(many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)
    decision = DecisionSerializer(read_only=True, allow_null=True)
    plans = PlanSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    appeals = AppealSerializer(many=True, read_only=True)
    allowed_steps = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = CaseSummarySerializer.Meta.fields + [
            "narrative",
            "community_agreement",
            "police_called",
            "ems_called",
            "emergency_services_reason",
            "acknowledged_at",
            "responded_at",
            "reported_by",
            "ended_at",
            "ending_reason",
            "parties",
            "bans",
            "notices",
            "investigation",
            "statements",
            "evidence",
            "hearings",
            "consents",
            "decision",
            "plans",
            "follow_ups",
            "appeals",
            "allowed_steps",
        ]

    def get_allowed_steps(self, case) -> list[str]:
        request = self.context.get("request")
        role = getattr(request, "program_role", None)
        return allowed_steps(case.state, role, case.policy_version)

    def to_representation(self, case):
        # The one-to-one rows may not exist yet.
        for name in ("investigation", "decision"):
            if not hasattr(case, name):
                setattr(case, name, None)
        return super().to_representation(case)
