"""What every program API view shares: members only, and domain errors as 4xx answers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import permissions
from rest_framework.response import Response

from tenants.errors import DomainError
from workflow.errors import AppealWindowClosed, CaseNotFound


class IsProgramMember(permissions.BasePermission):
    """The middleware already answers 404 to non-members; this keeps views safe on their own."""

    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and getattr(request, "program_role", None)
        )


def domain_error_response(exc):
    body = {"detail": exc.message, "code": type(exc).__name__}
    if exc.field:
        body["field"] = exc.field
        body[exc.field] = [exc.message]
    if isinstance(exc, AppealWindowClosed):
        body["closed_at"] = exc.closed_at
    return Response(body, status=exc.status_code)


class DomainErrorsMixin:
    permission_classes = [permissions.IsAuthenticated, IsProgramMember]

    def handle_exception(self, exc):
        if isinstance(exc, CaseNotFound):  # the very answer of a case number never used
            exc = Http404()
        if isinstance(exc, DomainError):
            return domain_error_response(exc)
        if isinstance(exc, DjangoValidationError):
            return Response({"detail": exc.messages}, status=400)
        return super().handle_exception(exc)
