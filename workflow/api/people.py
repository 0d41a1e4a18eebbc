"""Who is asking and who works here: the user ids that person fields of the steps take."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from accounts.models import PROGRAM_ROLES, Membership
from workflow.access import members_of
from workflow.api.base import DomainErrorsMixin


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The name staff pages show (the email if none).")
    role = serializers.CharField()


class MeSerializer(MemberSerializer):
    email = serializers.EmailField()
    two_factor_verified = serializers.BooleanField()


def _member(user, role):
    return {"id": user.pk, "name": str(user), "role": role}


class StaffViewSet(DomainErrorsMixin, viewsets.GenericViewSet):
    """The program's members, for clients choosing an owner, investigator, facilitator ...
    Names and roles only: no email address leaves through this list."""

    pagination_class = None
    serializer_class = MemberSerializer

    def get_queryset(self):
        memberships = Membership.objects.filter(
            program=self.request.program, role__in=PROGRAM_ROLES
        )
        return members_of(self.request.program).prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="here")
        )

    @extend_schema(responses=MemberSerializer(many=True))
    def list(self, request):
        return Response([_member(u, u.here[0].role) for u in self.get_queryset()])

    @extend_schema(responses=MeSerializer)
    def me(self, request):  # at /api/me/ (workflow/urls.py)
        user = request.user
        return Response(
            {
                **_member(user, request.program_role),
                "email": user.email,
                "two_factor_verified": user.is_verified(),
            }
        )
