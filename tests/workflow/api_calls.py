"""Calling the program API as a client does, for the API tests (tests/workflow/test_api*.py);
their `api` and `participants` fixtures are in tests/workflow/conftest.py."""

from datetime import timedelta

from django.utils import timezone

SUPPLIES = {"supply_access_plan": "offsite_bags", "supply_access_details": "Bags at the side door"}


def post(client, url, data=None, expect=200):
    response = client.post(url, data or {}, content_type="application/json")
    assert response.status_code == expect, response.json()
    return response.json()


def report(client, participants, **overrides):
    body = {
        "kind": "complaint",
        "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "narrative": "My bag was taken from the lockers.",
        "categories": ["theft"],
        "severity": "moderate",
        "location": "lockers",
        "issue_tracking_code": True,
        "parties": [
            {"role": "harmed_person", "participant": participants["river"]},
            {"role": "complainant", "participant": participants["river"]},
            {"role": "person_who_did_harm", "participant": participants["sky"]},
        ],
    }
    body.update(overrides)
    return post(client, "/api/cases/", body, expect=201)


def party_id(case, role):
    return next(p["id"] for p in case["parties"] if p["role"] == role)
