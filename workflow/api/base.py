"""What every program API view shares: members only, and domain errors as 4xx answers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response

from tenants.api_tokens import ProgramTokenAuthentication
from tenants.errors import DomainError
from workflow.api.schema import ProgramApiSchema
from workflow.errors import AppealWindowClosed, CaseNotFound, NeedsChoice


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
    if isinstance(exc, NeedsChoice):
        body.update(exc.details)
    return Response(body, status=exc.status_code)


class DomainErrorsMixin:
    # A member's personal token first: a token request then needs no CSRF token.
    authentication_classes = [ProgramTokenAuthentication, SessionAuthentication]
    # Each operation's OpenAPI description lists its error answers (400 ... 409).
    schema = ProgramApiSchema()
    permission_classes = [permissions.IsAuthenticated, IsProgramMember]

    def handle_exception(self, exc):
        if isinstance(exc, CaseNotFound):  # the very answer of a case number never used
            exc = Http404()
        if isinstance(exc, DomainError):
            return domain_error_response(exc)
        if isinstance(exc, DjangoValidationError):
            return Response({"detail": exc.messages}, status=400)
        return super().handle_exception(exc)


# Form posts through the browsable API carry these alongside the fields.
FORM_BOOKKEEPING = {"csrfmiddlewaretoken"}


def unknown_fields(serializer, data, prefix=""):
    """Dotted names of what `data` holds that `serializer` does not take, nested ones too
    (`parties[0].nickname`). DRF drops such keys without a word; a client that misspells a
    field or sends one this step does not take would think it was saved."""
    if not hasattr(data, "keys"):
        return []
    found = []
    for key in data:
        field = serializer.fields.get(key)
        if field is None or field.read_only:
            if key not in FORM_BOOKKEEPING:
                found.append(f"{prefix}{key}")
            continue
        value = data.get(key)
        child = getattr(field, "child", None)
        if isinstance(field, serializers.BaseSerializer) and child is None:
            found += unknown_fields(field, value, f"{prefix}{key}.")
        elif isinstance(child, serializers.BaseSerializer) and isinstance(value, list):
            for index, item in enumerate(value):
                found += unknown_fields(child, item, f"{prefix}{key}[{index}].")
    return found


def validated_input(input_class, request, **context):
    """The request's data through `input_class`, refusing fields it does not take (400 that
    names each one) as well as invalid ones."""
    serializer = input_class(data=request.data, context={"request": request, **context})
    extra = unknown_fields(serializer, request.data)
    if extra:
        message = _("This request does not take this field. Remove it or check its spelling.")
        raise serializers.ValidationError({name: [message] for name in extra})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
