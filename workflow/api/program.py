"""Participants, the program's policy, and low-level responses."""

import functools

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants.models import Participant, PolicyVersion
from tenants.policy import change_policy, current_policy
from tenants.services import register_participant
from workflow import services
from workflow.api import inputs
from workflow.api.base import DomainErrorsMixin, validated_input
from workflow.api.serializers import (
    LowLevelResponseSerializer,
    ParticipantSerializer,
    PolicySerializer,
)
from workflow.away import away
from workflow.models import LowLevelResponse


def _validated(input_class, request):
    return validated_input(input_class, request)


class ParticipantViewSet(
    DomainErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Participants by code and alias; no legal name is ever asked for."""

    queryset = Participant.objects.order_by("code")
    serializer_class = ParticipantSerializer

    shown = None  # the participants answered: the page of the list, or the one asked for

    def paginate_queryset(self, queryset):
        self.shown = super().paginate_queryset(queryset)
        return self.shown

    def get_object(self):
        found = super().get_object()
        self.shown = [found]
        return found

    def get_serializer_context(self):
        # Who of those answered is away, read once when the first row needs it (a fixed
        # number of queries for a page of any size, and only that page's bans, not every
        # running ban of the program; nothing is read when only the schema is generated).
        user = self.request.user
        people = functools.cache(
            lambda: {p.participant.pk: p for p in away(user=user, participants=self.shown)}
        )
        return {**super().get_serializer_context(), "away": people}

    @extend_schema(request=inputs.ParticipantInput, responses={201: ParticipantSerializer})
    def create(self, request):
        participant = register_participant(
            actor=request.user, **_validated(inputs.ParticipantInput, request)
        )
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class PolicyViewSet(DomainErrorsMixin, viewsets.GenericViewSet):
    """The policy in force (GET /api/policy/), its history, and changes (admins only: each
    change adds a version; open cases keep theirs)."""

    queryset = PolicyVersion.objects.order_by("-number")
    serializer_class = PolicySerializer
    pagination_class = None

    @extend_schema(responses=PolicySerializer)
    def list(self, request):
        return Response(PolicySerializer(current_policy()).data)

    @extend_schema(request=inputs.PolicyChangeInput, responses={201: PolicySerializer})
    def create(self, request):
        policy = change_policy(actor=request.user, **_validated(inputs.PolicyChangeInput, request))
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PolicySerializer(many=True))
    @action(detail=False, methods=["get"])
    def versions(self, request):
        current_policy()
        return Response(PolicySerializer(self.get_queryset(), many=True).data)


class LowLevelResponseViewSet(
    DomainErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """“Asked to leave, welcome back tomorrow”, kept on record without opening a case."""

    queryset = LowLevelResponse.objects.select_related("participant").order_by("-occurred_at")
    serializer_class = LowLevelResponseSerializer

    @extend_schema(
        request=inputs.LowLevelResponseInput, responses={201: LowLevelResponseSerializer}
    )
    def create(self, request):
        record = services.record_low_level_response(
            actor=request.user, **_validated(inputs.LowLevelResponseInput, request)
        )
        return Response(LowLevelResponseSerializer(record).data, status=status.HTTP_201_CREATED)
