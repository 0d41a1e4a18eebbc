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
from workflow.models import Case, CaseEvent, ReadVia
from workflow.steps import STEPS


def item(name):
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH)


def step(input_class=None, *, url_path, params=(), many_status=status.HTTP_200_OK, **kwargs):
    """A POST action that runs one workflow step and answers with the whole case."""
    schema = extend_schema(
        request=input_class, responses={many_status: CaseDetailSerializer}, parameters=list(params)
    )
    return lambda fn: schema(action(detail=True, methods=["post"], url_path=url_path, **kwargs)(fn))


def step_action(declared):
    """The endpoint of one declared step (workflow.steps): validate its input, find the item
    of the case it acts on, run its service and answer with the whole case."""
    api, item_of = declared.api, declared.item
    code = status.HTTP_201_CREATED if api.created else status.HTTP_200_OK
    url_path, params = api.path, []
    if item_of is not None:
        url_path = rf"{item_of.api_prefix}/(?P<{item_of.kwarg}_id>[0-9]+)/{api.path}"
        params = [item(f"{item_of.kwarg}_id")]

    def run(self, request, pk=None, **ids):
        case = self.get_object()
        target = {"case": case}
        if item_of is not None:
            found = get_object_or_404(
                item_of.model, pk=ids[f"{item_of.kwarg}_id"], **{item_of.case_path: case}
            )
            target = {item_of.kwarg: found}
        data = self._input(api.input, case) if api.input else {}
        declared.service(actor=request.user, **target, **data)
        return self._case_response(case, code)

    run.__name__ = declared.name
    run.__doc__ = f"The step `{declared.name}`; answers with the whole case."
    return step(api.input, url_path=url_path, params=params, many_status=code)(run)


# One POST endpoint per step the declarations offer on the API.
StepEndpoints = type(
    "StepEndpoints",
    (),
    {name: step_action(declared) for name, declared in STEPS.items() if declared.api},
)


class CaseViewSet(
    DomainErrorsMixin,
    StepEndpoints,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
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
