"""The OpenAPI description of both sites generates without a warning (and validates), so the
fuzzer and API clients see every operation with stable names."""

import pytest
from django.core.management import call_command


@pytest.mark.parametrize("urlconf", ["config.urls_program", "config.urls_platform"])
def test_spectacular_fail_on_warn_passes(urlconf, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", urlconf=urlconf, fail_on_warn=True, validate=True, file=str(out))
    assert "openapi:" in out.read_text()
