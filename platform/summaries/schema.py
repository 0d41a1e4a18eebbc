"""How the OpenAPI description names the TA token scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "summaries.auth.ApiTokenAuthentication"
    name = "taToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A TA staff token, created and revoked on the platform site "
            "(/summaries/tokens/). Send it as `Authorization: Bearer <token>`.",
        }
