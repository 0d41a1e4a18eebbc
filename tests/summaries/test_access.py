"""Who sees what: each role against each endpoint and each other organization; API tokens
(hashed, shown once, expiring, revocable); TA tokens get 404 on program sites."""

from datetime import timedelta

import pytest
from django.utils import timezone

ENDPOINTS = ["providers", "departments", "programs", "summaries"]


@pytest.fixture
def published(extra_programs, publish_now):
    publish_now()
    return extra_programs


def names_in(response):
    return response.content.decode()


def all_results(client, endpoint, **params):
    response = client.get(f"/api/ta/{endpoint}/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_ta_token_sees_only_its_providers_departments(published, world, token_for, token_client):
    from summaries.models import Summary

    client = token_client(token_for("ta_x"))
    assert [p["name"] for p in all_results(client, "providers")] == ["Provider X"]
    assert [d["name"] for d in all_results(client, "departments")] == ["Department D1"]
    programs = {p["name"] for p in all_results(client, "programs")}
    assert "Program A" in programs and "Program B" not in programs
    assert programs == {"Program A", *(p.name for p in published["d1"])}
    rows = all_results(client, "summaries")
    assert rows, "the TA should see published rows"
    d2 = world.departments["d2"].pk
    y = world.providers["y"].pk
    for row in rows:
        assert (row["department"] or {}).get("id") != d2
        assert (row["provider"] or {}).get("id") != y
        assert row["scope"] != "program_type"  # platform-wide: includes other providers
    assert {r["scope"] for r in rows} >= {"program", "department", "provider", "provider_type"}
    # Anything of provider Y's departments, asked for directly, does not exist.
    other_program = published["d2"][0]
    assert client.get(f"/api/ta/programs/{other_program.pk}/").status_code == 404
    assert client.get(f"/api/ta/programs/{world.programs['b'].pk}/").status_code == 404
    assert client.get(f"/api/ta/departments/{d2}/").status_code == 404
    assert client.get(f"/api/ta/providers/{y}/").status_code == 404
    other_row = Summary.objects.filter(department_id=d2).first()
    assert client.get(f"/api/ta/summaries/{other_row.key}/").status_code == 404
    # A visible row of an older month is found by its id (lists show the latest month).
    older = (
        Summary.objects.filter(department_id=world.departments["d1"].pk, scope="department")
        .order_by("month")
        .first()
    )
    assert older.month < Summary.objects.order_by("-month").first().month
    answer = client.get(f"/api/ta/summaries/{older.key}/")
    assert answer.status_code == 200 and answer.json()["id"] == older.key
    assert all_results(client, "summaries", department=d2) == []
    for name in ("Department D2", "Provider Y", "Program B", published["d2"][0].name):
        for endpoint in ENDPOINTS:
            assert name not in names_in(client.get(f"/api/ta/{endpoint}/", {"page_size": 500}))


def test_ta_y_mirror_image(published, world, token_for, token_client):
    client = token_client(token_for("ta_y"))
    assert [d["name"] for d in all_results(client, "departments")] == ["Department D2"]
    for endpoint in ENDPOINTS:
        body = names_in(client.get(f"/api/ta/{endpoint}/", {"page_size": 500}))
        assert "Department D1" not in body and "Program A" not in body


@pytest.mark.parametrize("me,mine,other", [("hd1", "d1", "d2"), ("hd2", "d2", "d1")])
def test_health_department_admin_sees_own_department_and_anonymous_type_rollups(
    published, world, client_for, me, mine, other
):
    client = client_for(None, world.users[me])
    assert all_results(client, "providers") == []
    assert [d["id"] for d in all_results(client, "departments")] == [world.departments[mine].pk]
    programs = {p["id"] for p in all_results(client, "programs")}
    assert programs == {p.pk for p in world.departments[mine].programs.all()}
    rows = all_results(client, "summaries")
    scopes = {r["scope"] for r in rows}
    assert scopes == {"program", "department", "program_type", "all"}
    for row in rows:
        if row["scope"] in ("program", "department"):
            assert row["department"]["id"] == world.departments[mine].pk
        if row["scope"] in ("program_type", "all"):
            assert row["program"] is None and row["department"] is None
    body = names_in(client.get("/api/ta/summaries/", {"page_size": 500}))
    assert world.departments[other].name not in body
    assert all(p.name not in body for p in published[other])


def test_program_admin_sees_own_program_beside_anonymous_peers(
    extra_programs, world, client_for, program_a, publish_now
):
    import random

    from django.utils import timezone

    from summaries.models import ProgramMonth
    from tests.summaries.conftest import last_month
    from workflow.summary_synthetic import synthetic_month

    # Program A has figures for last month, so it has a row of its own to see.
    ProgramMonth.objects.create(
        program=program_a,
        month=last_month(),
        computed_at=timezone.now(),
        **synthetic_month(random.Random(3), 40),
    )
    publish_now()
    published = extra_programs
    client = client_for(None, world.users["a_admin"])
    assert [p["name"] for p in all_results(client, "programs")] == ["Program A"]
    rows = all_results(client, "summaries", period=last_month().strftime("%Y-%m"))
    scopes = [r["scope"] for r in rows]
    assert set(scopes) <= {"program", "department", "program_type", "all"}
    assert "department" in scopes and "program_type" in scopes
    own = [r for r in rows if r["scope"] == "program"]
    assert [r["program"]["id"] for r in own] == [program_a.pk]
    body = names_in(client.get("/api/ta/summaries/", {"page_size": 500}))
    assert all(p.name not in body for p in published["d1"] + published["d2"])
    assert client.get(f"/api/ta/programs/{published['d1'][0].pk}/").status_code == 404


def test_the_operator_sees_everything_published(published, world, client_for):
    from summaries.models import Summary

    client = client_for(None, world.users["operator"])
    rows = all_results(client, "summaries", period_kind="month")
    latest = Summary.objects.filter(period_kind="month").order_by("-month").first().month
    assert len(rows) == Summary.objects.filter(period_kind="month", month=latest).count()
    assert {r["scope"] for r in rows} >= {"program", "department", "provider", "all"}


@pytest.mark.parametrize("who", ["a_staff", "a_lead", "b_staff"])
def test_people_without_a_summaries_role_get_404(db, world, client_for, who):
    client = client_for(None, world.users[who])
    for endpoint in ENDPOINTS:
        assert client.get(f"/api/ta/{endpoint}/").status_code == 404
    assert client.get("/summaries/").status_code == 404


def test_anonymous_and_bad_tokens_are_refused(db, token_client, client_for):
    anonymous = client_for(None, None)
    for endpoint in ENDPOINTS:
        assert anonymous.get(f"/api/ta/{endpoint}/").status_code in (401, 403)
    assert token_client("hr_made_up_token").get("/api/ta/summaries/").status_code == 401


def test_token_is_stored_hashed_and_expires_and_revocation_is_immediate(
    db, world, token_for, token_client
):
    from accounts.models import Membership
    from summaries.models import ApiToken

    # TA staff for a while: a token made two days ago is newer than the membership.
    Membership.objects.filter(user=world.users["ta_x"]).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    plaintext = token_for("ta_x")
    token = ApiToken.objects.get()
    assert plaintext not in {token.key_hash, token.prefix, token.name}
    assert plaintext.startswith(token.prefix) and len(token.key_hash) == 64
    client = token_client(plaintext)
    assert client.get("/api/ta/departments/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert client.get("/api/ta/departments/").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert client.get("/api/ta/departments/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/ta/departments/").status_code == 401


def test_a_token_stops_working_when_its_owner_is_no_longer_ta_staff(
    db, world, token_for, token_client
):
    from accounts.models import Membership

    client = token_client(token_for("ta_x"))
    Membership.objects.filter(user=world.users["ta_x"]).delete()
    assert client.get("/api/ta/departments/").status_code == 401


def test_a_token_from_an_earlier_membership_stays_refused_when_they_are_added_back(
    db, world, token_for, token_client
):
    """Removed (and the token never revoked), then added back: the membership they come back
    with is newer than the token, so their old scripts get nothing; a new token works."""
    from accounts.models import Membership, Role

    ta = world.users["ta_x"]
    old = token_client(token_for("ta_x"))
    assert old.get("/api/ta/departments/").status_code == 200
    Membership.objects.filter(user=ta).delete()
    Membership.objects.create(user=ta, role=Role.TA_STAFF, provider=world.providers["x"])
    answer = old.get("/api/ta/departments/")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Invalid, expired or revoked token."
    assert token_client(token_for("ta_x")).get("/api/ta/departments/").status_code == 200


def test_a_token_made_at_one_provider_reads_nothing_of_the_next(
    published, world, token_for, token_client
):
    """Moved from provider X to provider Y, their old token is refused; added to Y as well,
    their old token still reads only X's departments (a new token reads both)."""
    from accounts.models import Membership, Role

    ta = world.users["ta_x"]
    old = token_client(token_for("ta_x"))
    Membership.objects.create(user=ta, role=Role.TA_STAFF, provider=world.providers["y"])
    assert [d["name"] for d in all_results(old, "departments")] == ["Department D1"]
    for endpoint in ENDPOINTS:
        body = names_in(old.get(f"/api/ta/{endpoint}/", {"page_size": 500}))
        assert "Department D2" not in body and "Provider Y" not in body
    new = token_client(token_for("ta_x"))
    assert [d["name"] for d in all_results(new, "departments")] == [
        "Department D1",
        "Department D2",
    ]
    Membership.objects.filter(user=ta, provider=world.providers["x"]).delete()
    assert old.get("/api/ta/departments/").status_code == 401
    assert [d["name"] for d in all_results(new, "departments")] == ["Department D2"]


def test_removing_or_moving_a_ta_membership_in_the_admin_revokes_the_tokens(
    world, token_for, token_client, operator_admin
):
    from accounts.models import Membership, Role
    from summaries.models import ApiToken

    ta = world.users["ta_x"]
    membership = Membership.objects.get(user=ta, role=Role.TA_STAFF)
    old = token_client(token_for("ta_x"))
    url = f"/admin/accounts/membership/{membership.pk}/"
    # Moved to provider Y: the token made at X stops, and the token list says so.
    page = operator_admin.post(
        f"{url}change/",
        {"role": Role.TA_STAFF, "provider": world.providers["y"].pk},
        follow=True,
    )
    assert "Revoked 1 TA API token(s)" in page.content.decode()
    assert Membership.objects.get(pk=membership.pk).provider == world.providers["y"]
    assert old.get("/api/ta/departments/").status_code == 401
    assert ApiToken.objects.get(user=ta).revoked_at is not None
    # Removed: the token made at Y stops; added back, it stays refused.
    at_y = token_client(token_for("ta_x"))
    assert [d["name"] for d in all_results(at_y, "departments")] == ["Department D2"]
    operator_admin.post(f"{url}delete/", {"post": "yes"})
    assert not Membership.objects.filter(user=ta).exists()
    assert not ApiToken.objects.filter(user=ta, revoked_at__isnull=True).exists()
    Membership.objects.create(user=ta, role=Role.TA_STAFF, provider=world.providers["y"])
    assert at_y.get("/api/ta/departments/").status_code == 401
    # Someone else's membership edited: their tokens and ta_y's are untouched.
    ta_y = token_client(token_for("ta_y"))
    hd1 = Membership.objects.get(user=world.users["hd1"])
    operator_admin.post(f"/admin/accounts/membership/{hd1.pk}/delete/", {"post": "yes"})
    assert ta_y.get("/api/ta/departments/").status_code == 200


def test_ta_tokens_get_404_on_every_program_site_endpoint(
    db, world, token_for, token_client, program_a, program_b
):
    client = token_client(token_for("ta_x"), host="prog-a.localhost")
    for path in ["/api/cases/", "/api/participants/", "/api/policy/", "/api/cases/1/", "/"]:
        assert client.get(path).status_code == 404, path
    client = token_client(token_for("ta_y"), host="prog-b.localhost")
    assert client.get("/api/cases/").status_code == 404


def test_tokens_are_made_and_revoked_on_the_web_page_and_shown_once(db, world, client_for):
    from summaries.models import ApiToken

    ta = client_for(None, world.users["ta_x"])
    page = ta.post("/summaries/tokens/", {"name": "report script", "days": "90"}, follow=True)
    # Post, redirect, get: reloading the page that shows the token makes no second one.
    assert page.redirect_chain == [("/summaries/tokens/", 302)]
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get(user=world.users["ta_x"])
    body = page.content.decode()
    start = body.index(token.prefix)
    plaintext = body[start : body.index("</code>", start)]
    assert plaintext.startswith(token.prefix) and len(plaintext) > 40
    later = ta.get("/summaries/tokens/").content.decode()
    assert plaintext not in later and "report script" in later
    assert ApiToken.objects.filter(user=world.users["ta_x"]).count() == 1
    # The lifetimes offered are the member tokens' (one list): up to a year.
    assert [d for d in (30, 90, 180, 365) if f'value="{d}"' in later] == [30, 90, 180, 365]
    assert (token.expires_at - timezone.now()).days in (89, 90)
    # A bad form keeps what was typed and says what is wrong.
    bad = ta.post("/summaries/tokens/", {"name": "", "days": "90"})
    assert "field-error" in bad.content.decode()
    # Someone else cannot revoke it; its owner can.
    other = client_for(None, world.users["ta_y"])
    assert other.post(f"/summaries/tokens/{token.pk}/revoke/").status_code == 404
    assert ta.post(f"/summaries/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    for who in ("hd1", "a_admin"):
        assert client_for(None, world.users[who]).get("/summaries/tokens/").status_code == 404


def test_filters_pagination_and_csv(published, world, token_for, token_client):
    import io
    from csv import reader

    from tests.summaries.conftest import last_month

    client = token_client(token_for("ta_x"))
    month = last_month().strftime("%Y-%m")
    rows = all_results(client, "summaries", period=month)
    assert rows and {r["period"] for r in rows} == {month}
    typed = all_results(client, "summaries", program_type="drop_in")
    assert typed and {r["program_type"] for r in typed} == {"drop_in"}
    page = client.get("/api/ta/summaries/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"] and page["count"] > 2
    # Walking small pages gives every row once, in the same order as one large page.
    walked, number = [], 1
    while True:
        page = client.get("/api/ta/summaries/", {"page_size": 2, "page": number}).json()
        walked += page["results"]
        if not page["next"]:
            break
        number += 1
    assert walked == all_results(client, "summaries")
    bad = client.get("/api/ta/summaries/", {"period": "March"})
    assert bad.status_code == 400 and "period" in bad.json()
    csv = client.get("/api/ta/summaries/", {"format": "csv", "period": month, "page_size": 500})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = list(reader(io.StringIO(csv.content.decode())))
    names, keys = lines[0], lines[1]
    assert "cases" in keys and "cases.response.within_window_share" in keys
    assert "Cases" in names and "Responded within the window" in names
    assert len(names) == len(keys)
    assert len(lines) == len(rows) + 2
    assert client.get("/api/schema/").status_code in (200, 401, 403)


def test_every_csv_has_two_header_rows_and_an_endpoints_columns_whatever_the_filters(
    published, world, token_for, token_client
):
    """A script skips two header rows and reads columns by key: the same for every endpoint,
    and for one endpoint whatever the filters (a scope with no program, a period with no rows)."""
    import io
    from csv import reader

    from summaries.metrics import all_keys
    from tests.summaries.conftest import last_month

    client = token_client(token_for("ta_x"))

    def table(endpoint, **params):
        answer = client.get(f"/api/ta/{endpoint}/", {"format": "csv", "page_size": 500, **params})
        assert answer.status_code == 200, answer.content
        return list(reader(io.StringIO(answer.content.decode())))

    month = last_month().strftime("%Y-%m")
    summaries = [
        table("summaries", period=month),
        table("summaries", period=month, scope="program"),
        table("summaries", period=month, scope="department"),
        table("summaries", period=month, scope="provider_type"),
        table("summaries", period="2001-01"),
    ]
    head = summaries[0][:2]
    assert head[1] == [
        "id",
        "scope",
        "period",
        "period_kind",
        "program_id",
        "program_name",
        "department_id",
        "department_name",
        "provider_id",
        "provider_name",
        "program_type",
        "program_count",
        *all_keys(),
    ]
    assert head[0][:3] == ["Figure set id", "Program or group", "Period"]
    for each in summaries:
        assert each[:2] == head
    assert len(summaries[2]) > 2 and len(summaries[-1]) == 2  # rows, or none: same header
    department_row = dict(zip(head[1], summaries[2][2], strict=True))
    assert department_row["program_id"] == "" and department_row["department_name"]
    programs = [
        table("programs"),
        table("programs", program_type="drop_in"),
        table("programs", department=world.departments["d2"].pk),
    ]
    for each in programs:
        assert each[:2] == [
            [
                "Program id",
                "Name",
                "Program type",
                "Health department id",
                "Health department",
                "Status",
            ],
            ["id", "name", "program_type", "department_id", "department_name", "status"],
        ]
    assert len(programs[2]) == 2
    assert table("providers")[:2] == [["TA provider id", "Name"], ["id", "name"]]
    assert table("departments")[:2] == [
        ["Health department id", "Name", "Jurisdiction"],
        ["id", "name", "jurisdiction"],
    ]
    assert table("dictionary")[1] == ["key", "label", "definition", "kind", "root", "family"]


@pytest.mark.parametrize("who", ["a_admin", "hd1", "operator"])
def test_only_ta_staff_get_api_tokens(db, world, who):
    from django.core.exceptions import PermissionDenied

    from summaries.models import ApiToken
    from summaries.services import create_api_token

    with pytest.raises(PermissionDenied):
        create_api_token(user=world.users[who], name="script", days=30)
    assert not ApiToken.objects.filter(user=world.users[who]).exists()
