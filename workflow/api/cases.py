"""The case API: one endpoint per step, each a thin call into workflow.services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from workflow import services
from workflow.api import inputs
from workflow.api.base import DomainErrorsMixin, validated_input
from workflow.api.serializers import (
    CaseDetailSerializer,
    CaseSummarySerializer,
    EventSerializer,
)
from workflow.audit import record_case_read, record_case_reads
from workflow.case_record import export_case_record
from workflow.evidence import evidence_response
from workflow.models import Case, CaseEvent, ReadVia, RestorativeAction


def item(name):
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH)


def step(input_class=None, *, url_path, params=(), many_status=status.HTTP_200_OK, **kwargs):
    """A POST action that runs one workflow step and answers with the whole case."""
    schema = extend_schema(
        request=input_class, responses={many_status: CaseDetailSerializer}, parameters=list(params)
    )
    return lambda fn: schema(action(detail=True, methods=["post"], url_path=url_path, **kwargs)(fn))


class CaseViewSet(
    DomainErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cases of this program. Each step is a POST to /api/cases/{id}/<step>/."""

    queryset = Case.objects.select_related("policy_version").order_by("-reported_at", "-id")
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_serializer_class(self):
        return CaseSummarySerializer if self.action == "list" else CaseDetailSerializer

    def get_queryset(self):
        # A party to a case never finds it here, in the list or under any nested route
        # (workflow.access): get_object answers 404 as for a number never used.
        queryset = super().get_queryset().visible_to(self.request.user)
        state = self.request.query_params.get("state")
        return queryset.filter(state=state) if state else queryset

    # -- helpers ------------------------------------------------------------------------
    def _input(self, input_class, case=None):
        return validated_input(input_class, self.request, case=case)

    def _case_response(self, case, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=case.pk)
        record_case_read(case=fresh, user=self.request.user, via=ReadVia.API)  # the whole case
        return Response(
            CaseDetailSerializer(fresh, context={"request": self.request}).data, status=code
        )

    def _run(self, service, input_class=None, code=status.HTTP_200_OK, **target):
        """Validate the input, run the step on the case (or on the item of the case given in
        `target`), and answer with the case."""
        case = self.get_object()
        data = self._input(input_class, case) if input_class else {}
        service(actor=self.request.user, **(target or {"case": case}), **data)
        return self._case_response(case, code)

    # -- reading (each read of a case record is logged: workflow.audit) ----------------
    def list(self, request):
        """Cases of this program, newest first (?state= one state). Each case listed is a read
        (its place, categories, severity), logged for the page in one insert."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        shown = list(queryset) if page is None else page
        record_case_reads(case_ids=[case.pk for case in shown], user=request.user, via=ReadVia.API)
        data = self.get_serializer(shown, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        case = self.get_object()
        record_case_read(case=case, user=request.user, via=ReadVia.API)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    @extend_schema(request=inputs.ReportCaseWithBanInput, responses={201: CaseDetailSerializer})
    def create(self, request):
        data = self._input(inputs.ReportCaseWithBanInput)
        data["parties"] = [dict(p) for p in data.get("parties", [])]
        ban = data.pop("ban", None)
        case = services.report_case_with_ban(
            actor=request.user, ban=dict(ban) if ban else None, **data
        )
        return self._case_response(case, status.HTTP_201_CREATED)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        case = self.get_object()
        record_case_read(case=case, user=request.user, via=ReadVia.API)
        events = CaseEvent.objects.filter(case=case).order_by("seq")
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The whole case record as JSON, every part in the order it happened."""
        case = self.get_object()
        record_case_read(case=case, user=request.user, via=ReadVia.EXPORT)
        return Response(export_case_record(case))

    # -- report time ----------------------------------------------------------------------
    @step(inputs.AddPartyInput, url_path="parties", many_status=201)
    def add_party(self, request, pk=None):
        return self._run(services.add_party, inputs.AddPartyInput, status.HTTP_201_CREATED)

    @step(inputs.OwnerInput, url_path="owner")
    def assign_owner(self, request, pk=None):
        return self._run(services.assign_owner, inputs.OwnerInput)

    @step(inputs.SeverityInput, url_path="severity")
    def assess_severity(self, request, pk=None):
        return self._run(services.assess_severity, inputs.SeverityInput)

    @step(inputs.ImposeBanInput, url_path="bans", many_status=201)
    def impose_ban(self, request, pk=None):
        return self._run(services.impose_ban, inputs.ImposeBanInput, status.HTTP_201_CREATED)

    @step(
        inputs.ReasonInput, url_path=r"bans/(?P<ban_id>[0-9]+)/end-early", params=[item("ban_id")]
    )
    def end_ban_early(self, request, pk=None, ban_id=None):
        ban = get_object_or_404(self.get_object().bans, pk=ban_id)
        return self._run(services.end_ban_early, inputs.ReasonInput, ban=ban)

    @step(
        inputs.SupplyContactInput,
        url_path=r"bans/(?P<ban_id>[0-9]+)/supplies",
        params=[item("ban_id")],
        many_status=201,
    )
    def log_supply_contact(self, request, pk=None, ban_id=None):
        ban = get_object_or_404(self.get_object().bans, pk=ban_id)
        return self._run(
            services.log_supply_contact,
            inputs.SupplyContactInput,
            status.HTTP_201_CREATED,
            ban=ban,
        )

    @step(url_path="acknowledge")
    def acknowledge(self, request, pk=None):
        return self._run(services.acknowledge_case)

    @step(
        inputs.NoticeDeliveryInput,
        url_path=r"notices/(?P<notice_id>[0-9]+)/delivery",
        params=[item("notice_id")],
    )
    def record_notice_delivery(self, request, pk=None, notice_id=None):
        notice = get_object_or_404(self.get_object().notices, pk=notice_id)
        return self._run(services.record_notice_delivery, inputs.NoticeDeliveryInput, notice=notice)

    # -- investigation ------------------------------------------------------------------
    @step(inputs.InvestigationInput, url_path="investigation")
    def start_investigation(self, request, pk=None):
        return self._run(services.start_investigation, inputs.InvestigationInput)

    @step(inputs.StatementInput, url_path="statements", many_status=201)
    def add_statement(self, request, pk=None):
        return self._run(services.add_statement, inputs.StatementInput, status.HTTP_201_CREATED)

    @step(inputs.EvidenceInput, url_path="evidence", many_status=201)
    def attach_evidence(self, request, pk=None):
        case = self.get_object()
        data = self._input(inputs.EvidenceInput, case)
        services.attach_evidence(
            actor=request.user,
            case=case,
            uploaded_file=data["file"],
            description=data.get("description", ""),
        )
        return self._case_response(case, status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("evidence_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["get"],
        url_name="evidence-download",
        url_path=r"evidence/(?P<evidence_id>[0-9a-f-]{36})/download",
    )
    def download_evidence(self, request, pk=None, evidence_id=None):
        """Evidence is served only here: to members of this program, from this program."""
        case = self.get_object()
        evidence = get_object_or_404(case.evidence, pk=evidence_id)
        record_case_read(case=case, user=request.user, via=ReadVia.API)
        return evidence_response(evidence)

    @step(inputs.FactorsInput, url_path="contributing-factors")
    def record_contributing_factors(self, request, pk=None):
        return self._run(services.record_contributing_factors, inputs.FactorsInput)

    # -- hearing --------------------------------------------------------------------------
    @step(inputs.HearingInput, url_path="hearings", many_status=201)
    def schedule_hearing(self, request, pk=None):
        return self._run(services.schedule_hearing, inputs.HearingInput, status.HTTP_201_CREATED)

    @step(
        inputs.HearingOutcomeInput,
        url_path=r"hearings/(?P<hearing_id>[0-9]+)/outcome",
        params=[item("hearing_id")],
    )
    def record_hearing_outcome(self, request, pk=None, hearing_id=None):
        hearing = get_object_or_404(self.get_object().hearings, pk=hearing_id)
        return self._run(
            services.record_hearing_outcome, inputs.HearingOutcomeInput, hearing=hearing
        )

    @step(
        inputs.RescheduleHearingInput,
        url_path=r"hearings/(?P<hearing_id>[0-9]+)/reschedule",
        params=[item("hearing_id")],
    )
    def reschedule_hearing(self, request, pk=None, hearing_id=None):
        hearing = get_object_or_404(self.get_object().hearings, pk=hearing_id)
        return self._run(
            services.reschedule_hearing, inputs.RescheduleHearingInput, hearing=hearing
        )

    @step(
        inputs.CancelHearingInput,
        url_path=r"hearings/(?P<hearing_id>[0-9]+)/cancel",
        params=[item("hearing_id")],
    )
    def cancel_hearing(self, request, pk=None, hearing_id=None):
        hearing = get_object_or_404(self.get_object().hearings, pk=hearing_id)
        return self._run(services.cancel_hearing, inputs.CancelHearingInput, hearing=hearing)

    @step(inputs.ConsentInput, url_path="consents", many_status=201)
    def record_consent(self, request, pk=None):
        return self._run(services.record_consent, inputs.ConsentInput, status.HTTP_201_CREATED)

    @step(
        inputs.WithdrawConsentInput,
        url_path=r"consents/(?P<consent_id>[0-9]+)/withdraw",
        params=[item("consent_id")],
    )
    def withdraw_consent(self, request, pk=None, consent_id=None):
        consent = get_object_or_404(self.get_object().consents, pk=consent_id)
        return self._run(services.withdraw_consent, inputs.WithdrawConsentInput, consent=consent)

    # -- decision and after ---------------------------------------------------------------
    @step(inputs.DecisionInput, url_path="decision", many_status=201)
    def decide(self, request, pk=None):
        case = self.get_object()
        data = self._input(inputs.DecisionInput, case)
        data["actions"] = _plain_actions(data.get("actions", []))
        services.decide_case(actor=request.user, case=case, **data)
        return self._case_response(case, status.HTTP_201_CREATED)

    @step(url_path="begin-restoration")
    def begin_restoration(self, request, pk=None):
        return self._run(services.begin_restoration)

    @step(inputs.AppealInput, url_path="appeals", many_status=201)
    def file_appeal(self, request, pk=None):
        return self._run(services.file_appeal, inputs.AppealInput, status.HTTP_201_CREATED)

    @step(
        inputs.AppealDecisionInput,
        url_path=r"appeals/(?P<appeal_id>[0-9]+)/decision",
        params=[item("appeal_id")],
    )
    def decide_appeal(self, request, pk=None, appeal_id=None):
        case = self.get_object()
        appeal = get_object_or_404(case.appeals, pk=appeal_id)
        data = self._input(inputs.AppealDecisionInput, case)
        data["actions"] = _plain_actions(data.get("actions", [])) or None
        services.decide_appeal(actor=request.user, appeal=appeal, **data)
        return self._case_response(case)

    @step(
        inputs.ActionStatusInput,
        url_path=r"actions/(?P<action_id>[0-9]+)/status",
        params=[item("action_id")],
    )
    def update_action_status(self, request, pk=None, action_id=None):
        case = self.get_object()
        found = get_object_or_404(RestorativeAction, pk=action_id, plan__case=case)
        return self._run(services.update_action_status, inputs.ActionStatusInput, action=found)

    @step(
        inputs.FollowUpDoneInput,
        url_path=r"follow-ups/(?P<follow_up_id>[0-9]+)/complete",
        params=[item("follow_up_id")],
    )
    def complete_follow_up(self, request, pk=None, follow_up_id=None):
        follow_up = get_object_or_404(self.get_object().follow_ups, pk=follow_up_id)
        return self._run(services.complete_follow_up, inputs.FollowUpDoneInput, follow_up=follow_up)

    @step(
        inputs.ReasonInput,
        url_path=r"follow-ups/(?P<follow_up_id>[0-9]+)/waive",
        params=[item("follow_up_id")],
    )
    def waive_follow_up(self, request, pk=None, follow_up_id=None):
        follow_up = get_object_or_404(self.get_object().follow_ups, pk=follow_up_id)
        return self._run(services.waive_follow_up, inputs.ReasonInput, follow_up=follow_up)

    @step(inputs.CloseInput, url_path="close")
    def close(self, request, pk=None):
        return self._run(services.close_case, inputs.CloseInput)

    @step(inputs.ReasonInput, url_path="withdraw")
    def withdraw(self, request, pk=None):
        return self._run(services.withdraw_case, inputs.ReasonInput)

    @step(inputs.ReasonInput, url_path="resolve-early")
    def resolve_early(self, request, pk=None):
        return self._run(services.resolve_early, inputs.ReasonInput)


def _plain_actions(actions):
    plain = []
    for spec in actions:
        spec = dict(spec)
        if spec.get("ban") is not None:
            spec["ban"] = dict(spec["ban"])
        plain.append(spec)
    return plain
