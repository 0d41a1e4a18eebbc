"""Shared helpers: a case in the active program, made through the services."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


def make_case(users, *, codes=("R-1", "S-1"), staff="a_staff", lead="a_lead", inv="a_staff2"):
    """A reported, acknowledged case under investigation with one evidence file."""
    from tenants.models import Participant
    from workflow import services
    from workflow.models import PartyRole

    harmed, other = (Participant.objects.get_or_create(code=code)[0] for code in codes)
    case = services.report_case(
        actor=users[staff],
        kind="incident",
        occurred_at=timezone.now() - timedelta(hours=2),
        narrative="Shouting match by the supply table.",
        categories=["threat"],
        severity="low",
        parties=[
            {"role": PartyRole.HARMED_PERSON, "participant": harmed},
            {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": other},
        ],
    )
    services.acknowledge_case(actor=users[staff], case=case)
    services.start_investigation(actor=users[lead], case=case, investigator=users[inv])
    services.attach_evidence(
        actor=users[staff],
        case=case,
        uploaded_file=SimpleUploadedFile("photo.txt", b"evidence bytes", "text/plain"),
    )
    return case


@pytest.fixture
def users(world):
    return world.users
