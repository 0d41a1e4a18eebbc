"""How the OpenAPI description presents the program API: its member-token scheme, and the
error answers every operation may give, all in one shape (`Error`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class MemberTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.api_tokens.ProgramTokenAuthentication"
    name = "memberToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A program member's personal token, made and revoked on the "
            "program's site (/accounts/api-tokens/). Send it as `Authorization: Bearer <token>` "
            "(or `Token <token>`). It acts with exactly its member's permissions.",
        }


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer of the program API."""

    detail = serializers.JSONField(
        help_text="What went wrong and what to do instead (a sentence, or a list of them)."
    )
    code = serializers.CharField(
        required=False,
        help_text="The kind of refusal, e.g. `StepNotAllowed`, `NeedsChoice`, `NotPermitted`.",
    )
    field = serializers.CharField(
        required=False, help_text="The input field the refusal is about, when there is one."
    )


class ErrorShape(OpenApiSerializerExtension):
    """Field errors come as one key per field in error (nested ones dotted, `ban.days`,
    `parties[0].role`), each a list of messages: a JSON object with open-ended keys."""

    target_class = ErrorSerializer

    def get_name(self, auto_schema, direction):
        return "Error"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target_class, direction, bypass_extensions=True)
        schema["properties"]["detail"] = {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": self.target_class().fields["detail"].help_text,
        }
        schema.pop("required", None)  # a plain 400 of field errors has no `detail`
        schema["additionalProperties"] = {
            "description": "Messages about one input field, keyed by its name.",
        }
        return schema


ERROR_ANSWERS = {
    400: _(
        "What was sent is not valid. Each field in error is a key holding its messages "
        "(nested ones dotted, e.g. `parties[0].role`; a field this request does not take is "
        "named too); a refused step has `detail`, `code` and `field`."
    ),
    401: _("Not signed in, or the token is invalid, expired or revoked."),
    403: _(
        "Signed in, but your role or your part in the case does not allow this "
        "(e.g. a party cannot decide); `detail` says which rule."
    ),
    404: _(
        "No such record in this program. A case you are a party to, and anything of another "
        "program, answer exactly so."
    ),
    409: _(
        "The case is not at a stage that allows this step (`StepNotAllowed`), or a choice is "
        "needed first (`NeedsChoice`: further keys describe it, e.g. the running bans)."
    ),
}
# Reading changes nothing, so it meets no stage or choice (409).
READ_ERRORS = (400, 401, 403, 404)
WRITE_ERRORS = (400, 401, 403, 404, 409)


def error_codes(method):
    return READ_ERRORS if method in ("GET", "HEAD") else WRITE_ERRORS


class ProgramApiSchema(AutoSchema):
    """Adds the error answers to every operation of the program API, where a view has not
    described that answer itself."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in error_codes(self.method):
            if str(code) not in responses:
                answer = OpenApiResponse(ErrorSerializer, description=str(ERROR_ANSWERS[code]))
                responses[str(code)] = self._get_response_for_code(answer, str(code))
        return responses
