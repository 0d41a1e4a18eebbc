"""How the OpenAPI description presents the program API: its member-token scheme, and the
error answers every operation may give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
