"""A staff member who is a party to a case (in any role) never sees it or acts on it: every
case route of the program site and the API answers them 404, exactly as for a case number never
used; the case is missing from their lists, Today, participant pages, the read log and the
program export; they are never reminded about it. A member who is not a party still sees it.

Program A is filled with one of everything (tests/security/seed.py, the isolation walk's seed);
the routes are walked, not listed (tests/security/walker.py), so a case route added later is
covered."""

import io
import json
import logging
import re
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Membership, Role, User
from tests.security.seed import SUPPLIES, seed_program
from tests.security.walker import METHODS, BodyMaker, Filler, attach_operations, openapi_schema
from tests.security.walker import url_endpoints as walk_urls
from workflow.models import Case, CaseParty, PartyKind, PartyRole

PROGRAM_URLS = "config.urls_program"


@pytest.fixture
def party(db, program_a):
    """A program admin of A (the widest role), not yet a party to anything."""
    user = User.objects.create_user(email="named-in-a-complaint@example.test")
    Membership.objects.create(user=user, role=Role.PROGRAM_ADMIN, program=program_a)
    return user


@pytest.fixture
def arena(party, world, program_a):
    """Program A seeded with one of everything, and the party-to-be."""
    seed = seed_program(
        program_a, {"admin": world.users["a_admin"], "staff": world.users["a_staff"]}, tag="pp"
    )
    with tenant_context(program_a):
        case = Case.objects.filter(pk__in=seed.ids["workflow.case"]).order_by("pk").first()
    return seed, party, case


def _marker(seed, suffix):
    # Only the seed's own marks (mk<tag>...): the markers also hold stored values, such as a
    # step's name ("decide_appeal"), that may end with the same word.
    return next(m for m in seed.markers if m.startswith(f"mk{seed.tag}") and m.endswith(suffix))


def _make_party(case, user, role):
    represents = None
    if role == PartyRole.REPRESENTATIVE:
        represents = case.parties.exclude(staff_user=user).order_by("pk").first()
    return CaseParty.objects.create(
        case=case, role=role, kind=PartyKind.STAFF, staff_user=user, represents=represents
    )


def _case_routes(seed, case):
    filler = Filler({**seed.ids, "workflow.case": [str(case.pk)]}, seed.tokens)
    endpoints, unwalkable = walk_urls(PROGRAM_URLS, filler)
    schema = openapi_schema(PROGRAM_URLS)
    attach_operations(endpoints, schema, PROGRAM_URLS, filler)
    assert not unwalkable
    routes = [
        ep
        for ep in endpoints
        if any(how == "workflow.case" or how == "api" for how in ep.filled.values())
        and (ep.path.startswith(("/cases/", "/api/cases/")))
    ]
    return routes, BodyMaker(schema, filler, "probe-party")


def _same_answer(text, path):
    """An answer with what differs on every response (CSRF tokens) and the path left out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text.replace(path, ""))


def _send(client, method, path, body, as_json):
    kwargs = {}
    if body is not None and method in ("POST", "PUT", "PATCH"):
        if as_json:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        else:
            kwargs = {"data": body}
    client.raise_request_exception = False
    tenant = connection.tenant
    try:
        response = client.generic(method, path, **kwargs)
    finally:
        connection.set_tenant(tenant)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content.decode("utf-8", "replace")


# One test per role (so parallel runs share them out); together: a party in any role.
@pytest.mark.parametrize("role", PartyRole.values)
def test_a_party_in_any_role_finds_no_case_route(role, arena, client_for, program_a, world, capsys):
    seed, party, case = arena
    narrative = _marker(seed, "narrative")
    routes, bodies = _case_routes(seed, case)
    assert len({ep.name for ep in routes}) >= 30, [ep.path for ep in routes]
    as_party = client_for(program_a, party)
    as_member = client_for(program_a, world.users["a_lead"])
    form_body = {"reason": "probe-party", "days": "3", "role": "witness", "content": "probe"}
    logging.disable(logging.WARNING)
    problems, attempts = [], 0
    try:
        with tenant_context(program_a):
            # Not a party yet: every GET route of the case answers (the walk reaches it). The
            # case page first: a photo's preview is served to whoever's read is in the log.
            assert _send(as_member, "GET", f"/cases/{case.pk}/", None, False)[0] == 200
            for ep in routes:
                if "GET" in ep.operations or ep.source == "urlconf":
                    status, _body = _send(as_member, "GET", ep.path, None, False)
                    if status == 404:
                        problems.append(f"non-party: GET {ep.path} -> 404")
            party_row = _make_party(case, party, role)
            for ep in routes:
                for method in METHODS:
                    operation = ep.operations.get(method)
                    body = bodies.body(operation) if operation else form_body
                    status, text = _send(as_party, method, ep.path, body, bool(operation))
                    attempts += 1
                    where = f"{role}: {method} {ep.path} -> {status}"
                    if narrative in text or seed.file_bytes.decode() in text:
                        problems.append(f"{where} shows the case")
                    if status == 405:
                        continue  # the route never takes this method, for any case
                    if method == "OPTIONS" and status == 200:
                        # DRF describes the route without looking the case up: the same
                        # bytes as for a case never used (checked below).
                        _c, described = _send(as_party, method, ep.control_path, None, False)
                        if described != text:
                            problems.append(f"{where} differs from a case never used")
                        continue
                    if status != 404:
                        problems.append(f"{where}, not 404")
                        continue
                    control, control_text = _send(
                        as_party, method, ep.control_path, body, bool(operation)
                    )
                    attempts += 1
                    if control != status:
                        problems.append(f"{where} but {control} for a case never used")
                    elif _same_answer(text, ep.path) != _same_answer(control_text, ep.control_path):
                        problems.append(f"{where}: not the very answer of a case never used")
            party_row.delete()
    finally:
        logging.disable(logging.NOTSET)
    with capsys.disabled():
        print(f"\nparty walk ({role}): {attempts} requests on {len(routes)} case routes")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_a_party_takes_no_step_whatever_calls_it(arena, program_a, world):
    """The guard is in the steps themselves, not only in the views."""
    from workflow import services
    from workflow.errors import CaseNotFound

    seed, party, case = arena
    with tenant_context(program_a):
        _make_party(case, party, PartyRole.PERSON_WHO_DID_HARM)
        complainant = case.parties.filter(participant__isnull=False).first().participant
        with pytest.raises(CaseNotFound):
            services.impose_ban(
                actor=party,
                case=case,
                participant=complainant,
                reason="probe",
                days=3,
                supply_access_details="x",
                **SUPPLIES,
            )
        with pytest.raises(CaseNotFound):
            services.assess_severity(actor=party, case=case, severity="low")
        assert not case.bans.filter(reason="probe").exists()


def _open_case_with_party(program, party, staff, role, *, narrative):
    """An open case needing action, with a running ban ending soon, an action due and
    `party` (a staff member) in `role`: on Today, the case list and the participant page."""
    from tenants.services import register_participant
    from workflow import services

    with tenant_context(program):
        person = register_participant(actor=staff, code=f"P-{role[:6]}", alias="")
        case = services.report_case(
            actor=staff,
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative=narrative,
            categories=["staff_conduct"],
            severity="moderate",
            parties=[{"role": PartyRole.HARMED_PERSON, "participant": person}],
        )
        services.impose_ban(
            actor=staff,
            case=case,
            participant=person,
            reason=narrative + "-ban",
            days=2,
            supply_access_details="side door",
            **SUPPLIES,
        )
        _make_party(case, party, role)
        return case, person


@pytest.mark.parametrize("role", PartyRole.values)
def test_a_partys_own_case_is_missing_from_every_list(party, client_for, program_a, world, role):
    narrative = f"party-list-probe-{role}"
    case, person = _open_case_with_party(
        program_a, party, world.users["a_staff"], role, narrative=narrative
    )
    pages = [
        "/",
        "/cases/",
        "/cases/?state=all",
        f"/participants/{person.pk}/",
        "/api/cases/",
        "/api/cases/?state=reported",
        f"/api/case-reads/?case={case.pk}",
        f"/program-data/?case={case.pk}",
    ]
    with tenant_context(program_a):
        from workflow.audit import record_case_read

        record_case_read(case=case, user=world.users["a_staff"])
    as_party = client_for(program_a, party)
    as_admin = client_for(program_a, world.users["a_admin"])
    for path in pages:
        seen = as_admin.get(path)
        assert seen.status_code == 200, path
        assert _shows(seen, case, narrative), f"a non-party must see the case on {path}"
        hidden = as_party.get(path)
        assert hidden.status_code == 200, path
        assert not _shows(hidden, case, narrative), f"the party sees their case on {path}"


def _shows(response, case, narrative):
    text = response.content.decode()
    compact = text.replace(" ", "")
    return (
        narrative in text
        or f"/cases/{case.pk}/" in text
        or f'"case":{case.pk},' in compact
        or f'{{"id":{case.pk},"kind"' in compact
        or f"</td><td>{case.pk}</td>" in compact  # the read log's page
    )


def _archive_names(response):
    content = b"".join(response.streaming_content)
    return set(zipfile.ZipFile(io.BytesIO(content)).namelist())


@pytest.mark.parametrize("role", PartyRole.values)
def test_an_admins_export_leaves_out_the_case_they_are_party_to(
    party, client_for, program_a, world, role
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workflow import services

    case, _person = _open_case_with_party(
        program_a, party, world.users["a_staff"], role, narrative="exported"
    )
    with tenant_context(program_a):
        services.acknowledge_case(actor=world.users["a_staff"], case=case)
        services.start_investigation(
            actor=world.users["a_lead"], case=case, investigator=world.users["a_staff2"]
        )
        evidence = services.attach_evidence(
            actor=world.users["a_staff"],
            case=case,
            uploaded_file=SimpleUploadedFile("photo.txt", b"what was seen", "text/plain"),
        )
    evidence_ids = {str(evidence.pk)}
    for path in ("/api/program-export/", "/program-data/export.zip"):
        full = _archive_names(client_for(program_a, world.users["a_admin"]).get(path))
        assert f"cases/{case.pk}.json" in full
        assert any(eid in name for name in full for eid in evidence_ids)
        mine = _archive_names(client_for(program_a, party).get(path))
        assert f"cases/{case.pk}.json" not in mine
        assert not any(eid in name for name in mine for eid in evidence_ids)
        assert len([n for n in mine if n.startswith("cases/")]) == (
            len([n for n in full if n.startswith("cases/")]) - 1
        )


@pytest.mark.parametrize("role", PartyRole.values)
def test_a_party_is_never_reminded_about_their_case(party, program_a, world, role):
    """Ban-ending reminders go to every member of the program: not to a party of the case."""
    from notifications.services.recipients import find_people, recipients, with_staff_parties
    from workflow.outbox.models import Reminder

    case, _person = _open_case_with_party(
        program_a, party, world.users["a_staff"], role, narrative="reminded"
    )

    def who_is_reminded():
        with tenant_context(program_a):
            reminders = list(Reminder.objects.filter(case_id=case.pk))
            read = with_staff_parties(Case.objects.select_related("policy_version"))
            cases = {case.pk: read.get(pk=case.pk)}
            people = find_people([program_a.pk])[program_a.pk]
            return reminders, recipients(people.staff, reminders, cases)

    reminders, sent = who_is_reminded()
    assert {r.kind for r in reminders} >= {"ban_ending"}
    assert all(party.pk not in users and users for users in sent.values())
    ban_ending = next(r.pk for r in reminders if r.kind == "ban_ending")
    assert world.users["a_lead"].pk in sent[ban_ending]
    with tenant_context(program_a):
        CaseParty.objects.filter(case=case, staff_user=party).delete()
    _reminders, sent = who_is_reminded()
    assert party.pk in sent[ban_ending]  # the control: not a party, reminded like everyone


CASE_MARKS = (
    "narrative",
    "loc",
    "agreement",
    "ems",
    "ban",
    "early",
    "statement",
    "evidence",
    "factor",
    "context",
    "room",
    "withdrawn",
    "outcome",
    "reasons",
    "summary",
    "impact",
    "goods",
    "tracking",
    "supplies",
    "supplies2",
    "grounds",
    "appeal",
    "note",
    "waive",
    "done",
)


def _readable(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.headers.get("Content-Type", "").startswith("application/zip"):
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
        content = "\n".join(names).encode() + b"".join(archive.read(n) for n in names)
    return content.decode("utf-8", "replace")


def test_nothing_of_the_case_shows_anywhere_on_the_site_to_a_party(
    arena, client_for, program_a, world
):
    """Every page and API answer of the program site (walked), read by a party in each role:
    not a byte of their case (its texts, file, tracking code, timeline hashes). The same
    walk by a member who is not a party finds the case, so the walk does reach it."""
    from workflow.models import CaseEvent

    seed, party, case = arena
    with tenant_context(program_a):
        needles = {_marker(seed, what) for what in CASE_MARKS}
        needles.add(seed.file_bytes.decode())
        needles.add(case.tracking_code)
        needles.update(CaseEvent.objects.filter(case=case).values_list("hash", flat=True))
    filler = Filler({**seed.ids, "workflow.case": [str(case.pk)]}, seed.tokens)
    endpoints, _unwalkable = walk_urls(PROGRAM_URLS, filler)
    paths = sorted({ep.path for ep in endpoints if not ep.path.startswith("/accounts/logout")})
    paths += [f"/cases/?state=all&page={n}" for n in (1, 2)] + ["/api/cases/?state=restoring"]
    member = client_for(program_a, world.users["a_admin"])
    seen_by_member = set()
    logging.disable(logging.WARNING)
    try:
        with tenant_context(program_a):
            for path in paths:
                member.raise_request_exception = False
                text = _readable(_get(member, path))
                seen_by_member |= {n for n in needles if n in text}
            assert len(seen_by_member) >= len(needles) // 2, "the walk does not reach the case"
            leaks = []
            for role in PartyRole.values:
                party_row = _make_party(case, party, role)
                as_party = client_for(program_a, party)
                as_party.raise_request_exception = False
                for path in paths:
                    text = _readable(_get(as_party, path))
                    found = {n for n in needles if n in text}
                    if found:
                        leaks.append(f"{role}: GET {path} shows {sorted(found)[:3]}")
                party_row.delete()
    finally:
        logging.disable(logging.NOTSET)
    assert not leaks, "\n".join(leaks[:40])


def _get(client, path):
    tenant = connection.tenant
    try:
        return client.get(path)
    finally:
        connection.set_tenant(tenant)


def test_notifications_about_a_case_leave_the_inbox_once_one_is_a_party(
    party, client_for, program_a, world
):
    """Notified before they were named (a ban ending goes to all staff): once a party, the
    notification is gone from their bell and list, and cannot be marked read by number."""
    from notifications.models import Notification

    case, _person = _open_case_with_party(
        program_a, party, world.users["a_staff"], PartyRole.WITNESS, narrative="inbox"
    )
    note = Notification.objects.create(
        user=party, program=program_a, kind="ban_ending", case_id=case.pk, title="probe-inbox-note"
    )
    as_party = client_for(program_a, party)
    assert "probe-inbox-note" not in as_party.get("/notifications/").content.decode()
    assert "probe-inbox-note" not in as_party.get("/cases/").content.decode()  # the bell
    assert as_party.post(f"/notifications/{note.pk}/read/").status_code == 404
    with tenant_context(program_a):
        CaseParty.objects.filter(case=case, staff_user=party).delete()
    assert "probe-inbox-note" in as_party.get("/notifications/").content.decode()
