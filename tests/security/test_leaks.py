"""Cross-program leaks through the shared machinery: the cache, uploaded files, sessions and
background jobs. Each test uses the same key, file name or user id in two programs."""

import uuid
from datetime import timedelta

import dramatiq
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.broker import broker
from organizations.jobs import SCHEMA_OPTION, program_actor, send_for_program
from tests.conftest import host_of
from tests.platform.conftest import running_worker

# -- cache ----------------------------------------------------------------------------------


def test_same_cache_key_in_two_programs_never_crosses(db, program_a, program_b):
    key = f"dashboard-counts-{uuid.uuid4().hex[:6]}"
    with tenant_context(program_a):
        cache.set(key, "A's counts")
    with tenant_context(program_b):
        assert cache.get(key) is None  # B does not see A's entry under the same key
        cache.set(key, "B's counts")
    with tenant_context(program_a):
        assert cache.get(key) == "A's counts"
        cache.delete(key)
    with tenant_context(program_b):
        assert cache.get(key) == "B's counts"  # A's delete did not touch B's entry
        cache.delete(key)
    connection.set_schema_to_public()
    assert cache.get(key) is None  # nor does the platform see either


# -- uploaded files -------------------------------------------------------------------------


def _evidence_in(program, world, content, key):
    """A case in `program` investigated far enough to attach evidence named photo.jpg."""
    from accounts.models import Membership, Role, User
    from tenants.services import register_participant
    from workflow import services
    from workflow.models import PartyRole

    staff = world.users[f"{key}_staff"]
    lead = User.objects.create_user(email=f"{key}-lead-{uuid.uuid4().hex[:6]}@example.test")
    Membership.objects.create(user=lead, role=Role.PROGRAM_LEAD, program=program)
    with tenant_context(program):
        person = register_participant(actor=staff, code=f"P-{uuid.uuid4().hex[:6]}")
        case = services.report_case(
            actor=staff,
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="Shouting at the door.",
            categories=["threat"],
            severity="low",
            parties=[{"role": PartyRole.HARMED_PERSON, "participant": person}],
        )
        services.acknowledge_case(actor=staff, case=case)
        services.start_investigation(actor=lead, case=case, investigator=staff)
        evidence = services.attach_evidence(
            actor=staff,
            case=case,
            uploaded_file=SimpleUploadedFile("photo.jpg", content, "image/jpeg"),
        )
        evidence = case.evidence.get() if not hasattr(evidence, "file") else evidence
        return case, evidence


def test_same_file_name_in_two_programs_is_stored_apart(db, world, program_a, program_b):
    case_a, ev_a = _evidence_in(program_a, world, b"A's photo", "a")
    case_b, ev_b = _evidence_in(program_b, world, b"B's photo", "b")
    assert ev_a.original_name == ev_b.original_name == "photo.jpg"
    assert ev_a.file.name.startswith(f"programs/{program_a.schema_name}/")
    assert ev_b.file.name.startswith(f"programs/{program_b.schema_name}/")
    assert ev_a.file.path != ev_b.file.path
    with open(ev_a.file.path, "rb") as fa, open(ev_b.file.path, "rb") as fb:
        assert (fa.read(), fb.read()) == (b"A's photo", b"B's photo")


def test_other_programs_evidence_is_404_from_a_members_own_site(
    db, world, program_a, program_b, client_for
):
    case_b, ev_b = _evidence_in(program_b, world, b"B's photo", "b")
    url = f"/api/cases/{case_b.pk}/evidence/{ev_b.pk}/download/"
    own = client_for(program_b, world.users["b_staff"]).get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"B's photo"
    for key in ("a_admin", "a_staff"):
        answer = client_for(program_a, world.users[key]).get(url)
        assert answer.status_code == 404 and b"B's photo" not in answer.content
        answer = client_for(program_b, world.users[key]).get(url)
        assert answer.status_code == 404 and b"B's photo" not in answer.content
    # Media is never served as static files: the storage path itself answers nothing.
    assert client_for(program_b, world.users["b_staff"]).get("/" + ev_b.file.name).status_code in (
        302,
        404,
    )


# -- sessions -------------------------------------------------------------------------------


def test_session_from_a_is_not_valid_on_b(db, world, program_a, program_b, client_for):
    a_admin = client_for(program_a, world.users["a_admin"])
    assert a_admin.get("/api/cases/").status_code == 200
    # The very same session cookie, presented on B's site, opens nothing there: it is nobody's
    # session there (accounts.site_sessions), so B's site answers as to a visitor.
    a_admin.defaults["HTTP_HOST"] = host_of(program_b)
    visitor = client_for(program_b, None)
    for path in ("/", "/api/cases/", "/api/participants/", "/api/policy/"):
        answer = a_admin.get(path)
        assert answer.status_code == visitor.get(path).status_code, path
        assert answer.status_code in (200, 302, 401), path
        assert world.users["a_admin"].email not in answer.content.decode()


def test_same_user_id_in_two_programs_is_one_shared_account(db, world, program_a, program_b):
    """Sessions and users live in the public schema: a session names one account, whichever
    site it was made on, so a user id can never mean someone else inside another program."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    from accounts.models import User

    assert Session._meta.db_table in connection.introspection.table_names()
    with tenant_context(program_b):
        # Neither the user nor the session table exists inside a program's schema.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                [program_b.schema_name],
            )
            tables = {row[0] for row in cursor.fetchall()}
        assert User._meta.db_table not in tables and Session._meta.db_table not in tables
    client = Client(HTTP_HOST=host_of(program_a))
    client.force_login(world.users["b_staff"])
    key = client.cookies["sessionid"].value
    session = Session.objects.get(session_key=key).get_decoded()
    assert session["_auth_user_id"] == str(world.users["b_staff"].pk)
    with tenant_context(program_b):
        assert Session.objects.get(session_key=key).get_decoded() == session


# -- background jobs ------------------------------------------------------------------------

QUEUE = f"test-leaks-{uuid.uuid4().hex[:10]}"
SEEN = []


@program_actor(queue_name=QUEUE, max_retries=0)
def read_codes(tag):
    from tenants.models import Participant

    SEEN.append(
        (tag, connection.schema_name, sorted(Participant.objects.values_list("code", flat=True)))
    )


@pytest.fixture
def two_programs_with_people(committed, program_a, program_b):
    from tenants.models import Participant

    SEEN.clear()
    broker.flush(QUEUE)
    for program, code in ((program_a, "A-only"), (program_b, "B-only")):
        with tenant_context(program):
            Participant.objects.create(code=code)
    try:
        yield
    finally:
        for program in (program_a, program_b):
            with tenant_context(program):
                Participant.objects.filter(code__in=["A-only", "B-only"]).delete()
        broker.flush(QUEUE)


def test_job_for_a_reads_only_a_and_job_for_b_cannot_run_as_a(
    two_programs_with_people, program_a, program_b
):
    with tenant_context(program_a):
        read_codes.send("stamped in A")
        # Enqueued while A's schema is active, but addressed to B: it runs as B, not as A.
        send_for_program(read_codes, program_b.schema_name, "addressed to B")
    # A raw B-stamped message put straight on the queue (no producer middleware) right after
    # A's: the worker switches schema per message and never carries A's over.
    forged = dramatiq.Message(
        queue_name=QUEUE,
        actor_name=read_codes.actor_name,
        args=("raw B message after A's",),
        kwargs={},
        options={SCHEMA_OPTION: program_b.schema_name, "redis_message_id": str(uuid.uuid4())},
    )
    broker.do_enqueue(QUEUE, forged.options["redis_message_id"], forged.encode())

    with running_worker(QUEUE):
        broker.join(QUEUE, timeout=20_000)

    got = {tag: (schema, codes) for tag, schema, codes in SEEN}
    assert got["stamped in A"] == (program_a.schema_name, ["A-only"])
    assert got["addressed to B"] == (program_b.schema_name, ["B-only"])
    assert got["raw B message after A's"] == (program_b.schema_name, ["B-only"])
