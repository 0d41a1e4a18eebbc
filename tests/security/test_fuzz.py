"""Fuzzing: schemathesis generates requests from each site's own OpenAPI schema (a bounded
number per operation) and sends them in-process through the Django test client, signed in as
a program admin (program site) or TA staff (platform site). No answer may be a server error, and
every refused input gets a 4xx that says why (a JSON body with a message).

Path ids are mostly the program's real ones (so steps run on a real case with fuzzed bodies);
a share stay as generated, to fuzz the lookups too."""

import json
import logging
import os
import random
from collections import Counter
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, Phase, given, settings

from tests.security.seed import seed_program
from tests.security.walker import Filler, openapi_schema

# At least 100 per operation (issue 13); FUZZ_EXAMPLES=N for a quicker or a longer run.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "100"))


def _request(client, case):
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    kwargs = {}
    body = case.body
    if case.method.upper() in ("POST", "PUT", "PATCH") and not _absent(body):
        media = case.media_type or "application/json"
        if media == "multipart/form-data" and isinstance(body, dict):
            data = {
                k: SimpleUploadedFile("fuzz.bin", v) if isinstance(v, bytes) else v
                for k, v in body.items()
                if v is not None
            }
            return client.post(path, data)  # the test client encodes multipart itself
        if media == "application/x-www-form-urlencoded" and isinstance(body, dict):
            kwargs = {"data": urlencode(body, doseq=True), "content_type": media}
        else:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return client.generic(case.method.upper(), path, **kwargs)


def _absent(body):
    return body is None or type(body).__name__ == "NotSet"


def _says_why(response):
    """A 4xx must carry a message: DRF's {"detail": ...} or per-field errors."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return bool(response.content.strip())
    if isinstance(body, dict):
        return any(body.values())
    return bool(body)


def fuzz(schema_dict, client, filler, rng, *, part=0, parts=1):
    """Fuzz every `parts`-th operation, starting at `part` (so parallel runs share them out)."""
    schema = schemathesis.openapi.from_dict(schema_dict)
    findings, statuses, sent = [], Counter(), 0
    for index, result in enumerate(schema.get_all_operations()):
        if index % parts != part:
            continue
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal sent
            for name in list(case.path_parameters or {}):
                if rng.random() < 0.8:
                    real = filler.candidates(name, case.path, None, None)[0][0]
                    case.path_parameters[name] = real
            response = _request(client, case)
            sent += 1
            statuses[response.status_code] += 1
            where = f"{case.method.upper()} {case.formatted_path}"
            if response.status_code >= 500:
                findings.append(f"{where} -> {response.status_code} for {case.body!r:.300}")
            elif response.status_code >= 400 and not _says_why(response):
                findings.append(f"{where} -> {response.status_code} without a message")

        run()
    return findings, statuses, sent


@pytest.fixture
def admin_of_a(db, world, program_a, client_for):
    seed = seed_program(
        program_a, {"admin": world.users["a_admin"], "staff": world.users["a_staff"]}, tag="fz"
    )
    client = client_for(program_a, world.users["a_admin"])
    client.raise_request_exception = False  # a server error is a finding, not a crash
    return seed, client


PROGRAM_API_PARTS = 2


@pytest.mark.parametrize("part", range(PROGRAM_API_PARTS))
def test_fuzz_program_api(part, admin_of_a, capsys):
    seed, client = admin_of_a
    logging.disable(logging.ERROR)
    try:
        findings, statuses, sent = fuzz(
            openapi_schema("config.urls_program"),
            client,
            Filler(seed.ids, seed.tokens),
            random.Random(7),
            part=part,
            parts=PROGRAM_API_PARTS,
        )
    finally:
        logging.disable(logging.NOTSET)
    with capsys.disabled():
        print(
            f"\nfuzz (program site, part {part}): {sent} requests; "
            f"statuses {dict(sorted(statuses.items()))}"
        )
    assert sent >= 300
    assert not findings, "\n".join(sorted(set(findings))[:30])


def test_fuzz_platform_api(db, world, client_for, capsys):
    client = client_for(None, world.users["ta_x"])
    client.raise_request_exception = False
    schema = openapi_schema("config.urls_platform")
    findings, statuses, sent = fuzz(schema, client, Filler({}, {}), random.Random(7))
    with capsys.disabled():
        print(f"\nfuzz (platform site): {sent} requests over {len(schema['paths'])} paths")
    assert not findings, "\n".join(sorted(set(findings))[:30])
