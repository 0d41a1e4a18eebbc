"""Every read of a case record by a staff member is logged, and only the program admin sees
the log (API and page)."""

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from tests.security_data.conftest import make_case


@pytest.fixture
def case_a(db, program_a, in_program, users):
    with in_program(program_a):
        case = make_case(users)
    connection.set_schema_to_public()
    return case


def _reads(program, in_program, case):
    from workflow.models import CaseRead

    with in_program(program):
        return list(CaseRead.objects.filter(case_id=case.pk).values_list("reader_id", "via"))


def test_api_reads_are_logged_with_who_and_how(case_a, program_a, in_program, users, client_for):
    staff = client_for(program_a, users["a_staff2"])
    assert _reads(program_a, in_program, case_a) == []
    assert staff.get(f"/api/cases/{case_a.pk}/").status_code == 200
    assert staff.get(f"/api/cases/{case_a.pk}/export/").status_code == 200
    assert staff.get(f"/api/cases/{case_a.pk}/timeline/").status_code == 200
    assert staff.get("/api/cases/").status_code == 200  # the list shows place, severity...
    reads = _reads(program_a, in_program, case_a)
    who = users["a_staff2"].pk
    assert sorted(reads) == sorted([(who, "api"), (who, "export"), (who, "api"), (who, "api")])


def test_only_the_program_admin_sees_the_read_log(
    case_a, program_a, program_b, in_program, users, client_for
):
    client_for(program_a, users["a_staff"]).get(f"/api/cases/{case_a.pk}/")
    admin = client_for(program_a, users["a_admin"])
    body = admin.get(f"/api/case-reads/?case={case_a.pk}").json()
    assert body["count"] == 1
    assert body["results"][0]["reader_email"] == "a_staff@example.test"
    assert body["results"][0]["case"] == case_a.pk
    assert admin.get("/api/case-reads/?case=abc").status_code == 400
    for key in ("a_staff", "a_lead"):
        assert client_for(program_a, users[key]).get("/api/case-reads/").status_code == 403
        assert client_for(program_a, users[key]).get("/program-data/").status_code == 404
    # Another program's admin sees neither A's log nor A's page.
    assert client_for(program_a, users["b_admin"]).get("/api/case-reads/").status_code == 404
    page = admin.get(f"/program-data/?case={case_a.pk}")
    assert page.status_code == 200
    assert "a_staff@example.test" in page.text
    assert "Who read which case" in page.text
    # Program B's own log is empty of A's reads.
    assert client_for(program_b, users["b_admin"]).get("/api/case-reads/").json()["count"] == 0


def test_the_read_log_is_append_only(case_a, program_a, in_program, users, client_for):
    client_for(program_a, users["a_staff"]).get(f"/api/cases/{case_a.pk}/")
    with in_program(program_a):
        for sql in ("UPDATE workflow_caseread SET reader_id = 1", "DELETE FROM workflow_caseread"):
            with (
                pytest.raises(ProgrammingError, match="permission denied"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)


def test_service_skips_people_who_are_not_signed_in(case_a, program_a, in_program):
    from django.contrib.auth.models import AnonymousUser

    from workflow.audit import record_case_read

    with in_program(program_a):
        assert record_case_read(case=case_a, user=AnonymousUser()) is None


def _insert_count(queries):
    return sum('INSERT INTO "workflow_caseread"' in q["sql"] for q in queries)


@pytest.mark.parametrize(
    "page, via",
    [
        ("/cases/?state=all", "page"),
        ("/", "page"),
        ("/participants/{person}/", "page"),
        ("/api/cases/", "api"),
    ],
)
def test_pages_that_show_several_cases_log_each_in_one_insert(
    db, program_a, in_program, users, client_for, page, via
):
    """The case list, Today and a participant's page show narrative excerpts and bans: each
    case shown is a read, logged for the whole page in one insert (not one per case)."""
    from django.test.utils import CaptureQueriesContext

    from tenants.models import Participant
    from workflow import services

    with in_program(program_a):
        cases = [make_case(users, codes=("R-7", f"S-{n}")) for n in range(3)]
        person = Participant.objects.get(code="R-7")
        services.impose_ban(
            actor=users["a_staff"],
            case=cases[0],
            participant=person,
            reason="Pushing",
            days=2,
            supply_access_plan="offsite_bags",
            supply_access_details="Side door",
        )
    connection.set_schema_to_public()
    reader = client_for(program_a, users["a_lead"])
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(page.format(person=person.pk)).status_code == 200
    assert _insert_count(queries.captured_queries) == 1
    for case in cases:
        assert (users["a_lead"].pk, via) in _reads(program_a, in_program, case), page
