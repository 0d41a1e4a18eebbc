"""The OpenAPI description of both sites generates without a warning (and validates), so the
fuzzer and API clients see every operation with stable names."""

import pytest
from django.core.management import call_command


@pytest.mark.parametrize("urlconf", ["config.urls_program", "config.urls_platform"])
def test_spectacular_fail_on_warn_passes(urlconf, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", urlconf=urlconf, fail_on_warn=True, validate=True, file=str(out))
    assert "openapi:" in out.read_text()


def test_every_program_api_operation_documents_its_error_answers(tmp_path):
    """Clients learn from the schema what each refusal looks like: every operation lists its
    400/401/403/404 answers (and 409 when it changes something), each as the shared `Error`
    JSON shape with a description."""
    import json

    out = tmp_path / "schema.json"
    call_command("spectacular", urlconf="config.urls_program", format="openapi-json", file=str(out))
    schema = json.loads(out.read_text())
    error = schema["components"]["schemas"]["Error"]
    assert {"detail", "code", "field"} <= set(error["properties"])
    assert "additionalProperties" in error  # one key per field in error
    lacking = []
    operations = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations += 1
            codes = ["400", "401", "403", "404"] + ([] if method == "get" else ["409"])
            for code in codes:
                answer = operation["responses"].get(code, {})
                shape = answer.get("content", {}).get("application/json", {}).get("schema")
                if shape != {"$ref": "#/components/schemas/Error"} or not answer["description"]:
                    lacking.append(f"{method.upper()} {path} {code}")
    assert operations > 40
    assert lacking == []
