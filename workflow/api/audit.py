"""The program admin's view of who read which case (read-only)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets

from workflow.api.base import DomainErrorsMixin, IsProgramMember
from workflow.audit import case_reads
from workflow.models import CaseRead


class IsProgramAdmin(permissions.BasePermission):
    message = "Only the program's admins can see this."

    def has_permission(self, request, view):
        return getattr(request, "program_role", None) == "program_admin"


class CaseReadSerializer(serializers.ModelSerializer):
    reader_email = serializers.EmailField(source="reader.email", read_only=True)

    class Meta:
        model = CaseRead
        fields = ["id", "case", "reader", "reader_email", "read_at", "via"]


def _number(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise serializers.ValidationError({name: [f"{name} must be a number."]})
    return int(value)


@extend_schema(
    parameters=[
        OpenApiParameter("case", OpenApiTypes.INT, description="Only reads of this case"),
        OpenApiParameter("reader", OpenApiTypes.INT, description="Only reads by this user"),
    ]
)
class CaseReadViewSet(DomainErrorsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every read of a case record by a staff member: who, when, which case. Admins only."""

    serializer_class = CaseReadSerializer
    permission_classes = [permissions.IsAuthenticated, IsProgramMember, IsProgramAdmin]

    def get_queryset(self):
        return case_reads(
            case_id=_number(self.request, "case"),
            reader_id=_number(self.request, "reader"),
            visible_to=self.request.user,
        )
