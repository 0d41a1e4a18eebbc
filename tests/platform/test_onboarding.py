"""Onboarding through the platform's pages: add a program, watch it provision, invite its first
admin, who accepts on the program's own site. Each bad input gets a clear message and leaves
nothing half-created. Runs inside the test transaction (provisioning DDL is transactional)."""

from datetime import timedelta
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_exists

from accounts.models import Membership, Role, User
from organizations import services
from organizations.errors import OnboardingError
from organizations.models import Domain, Invitation, Program, ProgramStatus
from tests.conftest import verify_second_factor
from tests.platform.conftest import link_in

NEW_PASSWORD = "a-long-new-passphrase-42"


def _add_form(department, slug, name="Eastside Drop-in", program_type="drop_in"):
    return {
        "health_department": department.pk,
        "name": name,
        "program_type": program_type,
        "slug": slug,
    }


def _counts():
    return Program.objects.count(), Domain.objects.count(), Invitation.objects.count()


def _add(world, slug, actor="hd1", department="d1"):
    return services.add_program(
        actor=world.users[actor],
        health_department=world.departments[department],
        name="Test program",
        program_type="syringe_services",
        slug=slug,
    )


# --- the happy path, as a health-department admin would click through it ----------------------


def test_onboarding_through_the_platform_pages(
    db, world, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    d1, d2 = world.departments["d1"], world.departments["d2"]
    platform = client_for(None, world.users["hd1"])

    form_page = platform.get("/programs/add/")
    assert form_page.status_code == 200
    assert d1.name in form_page.text and d2.name not in form_page.text

    response = platform.post("/programs/add/", _add_form(d1, " Eastside-Dropin "))
    program = Program.objects.get(slug="eastside-dropin")
    assert response.status_code == 302
    assert response.url == f"/programs/{program.pk}/"
    assert program.status == ProgramStatus.PROVISIONING
    assert program.health_department == d1
    assert program.created_by == world.users["hd1"]
    assert program.schema_name == "eastside_dropin"
    assert Domain.objects.filter(tenant=program, domain="eastside-dropin.localhost").exists()
    assert not schema_exists("eastside_dropin")

    detail = platform.get(f"/programs/{program.pk}/")
    assert "Setting up" in detail.text
    assert 'http-equiv="refresh"' in detail.text
    assert "Setting up" in platform.get(f"/programs/{program.pk}/status/").text
    site = Client(HTTP_HOST="eastside-dropin.localhost")
    assert site.get("/").status_code == 503

    program = services.provision_program(program_id=program.pk)
    assert program.status == ProgramStatus.READY, program.failure_reason
    assert schema_exists("eastside_dropin")

    detail = platform.get(f"/programs/{program.pk}/")
    assert "Ready." in detail.text
    assert 'http-equiv="refresh"' not in detail.text
    assert 'href="http://eastside-dropin.localhost:8000/"' in detail.text
    fragment = platform.get(f"/programs/{program.pk}/status/")
    assert "http://eastside-dropin.localhost:8000/" in fragment.text

    with django_capture_on_commit_callbacks(execute=True):
        response = platform.post(
            f"/programs/{program.pk}/invite/",
            {"email": "New.Admin@Example.test"},
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.admin@example.test"]
    link = link_in(mailoutbox[0])
    assert link.startswith("http://eastside-dropin.localhost:8000/invitations/")
    invitation = Invitation.objects.get(program=program)
    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash  # only a hash is stored

    invitee = Client(HTTP_HOST="eastside-dropin.localhost")
    path = urlsplit(link).path
    page = invitee.get(path)
    assert page.status_code == 200
    assert "Join Eastside Drop-in" in page.text
    response = invitee.post(
        path,
        {"full_name": "Ana Admin", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/"
    # A program admin can export the whole program: two-factor sign-in comes first.
    home = invitee.get("/")
    assert home.status_code == 302 and home.url.startswith("/accounts/two-factor/setup/")
    verify_second_factor(invitee, User.objects.get(email="new.admin@example.test"))
    home = invitee.get("/")
    assert home.status_code == 200
    assert "signed in to Eastside Drop-in" in home.text

    user = User.objects.get(email="new.admin@example.test")
    assert user.first_name == "Ana" and user.last_name == "Admin"
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user).role == Role.PROGRAM_ADMIN
    assert Membership.objects.get(user=user).program == program
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None


def test_other_departments_admin_cannot_see_or_manage_the_program(db, world, client_for):
    program_a = world.programs["a"]
    hd2 = client_for(None, world.users["hd2"])
    assert hd2.get(f"/programs/{program_a.pk}/").status_code == 404
    assert hd2.get(f"/programs/{program_a.pk}/status/").status_code == 404
    assert hd2.post(f"/programs/{program_a.pk}/retry/").status_code == 404
    response = hd2.post(
        f"/programs/{program_a.pk}/invite/", {"email": "x@example.test", "role": "program_admin"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    # People with no department to manage have no add-program page at all.
    for key in ("ta_x", "a_admin"):
        assert client_for(None, world.users[key]).get("/programs/add/").status_code == 404


# --- bad input: a clear message, nothing half-created ------------------------------------------


@pytest.mark.parametrize(
    "slug, message",
    [
        ("prog-a", "already taken"),
        ("Prog-A", "already taken"),
        ("  PROG-B ", "already taken"),
        ("1st-site", "Use 3 to 40 characters"),
        ("ab", "Use 3 to 40 characters"),
        ("east_side", "Use 3 to 40 characters"),
        ("eastside-", "Use 3 to 40 characters"),
        ("east side", "Use 3 to 40 characters"),
        ("ünïcode", "Use 3 to 40 characters"),
        ("a" * 41, "Use 3 to 40 characters"),
        ("east--side", "single hyphens"),
        ("", "Use 3 to 40 characters"),
        ("public", "reserved"),
        ("www", "reserved"),
        ("api", "reserved"),
        ("admin", "reserved"),
        ("static", "reserved"),
        ("Admin", "reserved"),
        ("program-template", "reserved"),
        ("pg-catalog", "reserved"),
    ],
)
def test_bad_slug_is_refused_by_the_service(db, world, slug, message):
    before = _counts()
    with pytest.raises(OnboardingError) as excinfo:
        _add(world, slug)
    assert message in excinfo.value.message
    assert excinfo.value.field == "slug"
    assert _counts() == before


@pytest.mark.parametrize(
    "slug, message",
    [
        ("Prog-A", "The address “prog-a” is already taken"),
        ("admin", "“admin” is reserved by the platform"),
        ("-bad-", "Use 3 to 40 characters"),
    ],
)
def test_bad_slug_is_explained_on_the_form(db, world, client_for, slug, message):
    platform = client_for(None, world.users["hd1"])
    before = _counts()
    response = platform.post("/programs/add/", _add_form(world.departments["d1"], slug))
    assert response.status_code == 400
    assert message in response.text
    assert _counts() == before


def test_slug_of_an_existing_schema_is_taken(db, world):
    with connections["owner"].cursor() as cursor:
        cursor.execute('CREATE SCHEMA "stray_schema"')
    before = _counts()
    with pytest.raises(OnboardingError, match="already taken"):
        _add(world, "stray-schema")
    assert _counts() == before


def test_department_admin_cannot_add_a_program_to_another_department(db, world, client_for):
    before = _counts()
    with pytest.raises(OnboardingError) as excinfo:
        _add(world, "not-mine", actor="hd1", department="d2")
    assert "only to a health department you administer" in excinfo.value.message
    assert excinfo.value.field == "health_department"
    for actor in ("ta_x", "a_admin", "b_admin"):
        with pytest.raises(OnboardingError):
            _add(world, "not-mine", actor=actor, department="d1")
    assert _counts() == before

    # The form lists only hd1's department; forcing d2's id in the POST is refused.
    platform = client_for(None, world.users["hd1"])
    response = platform.post("/programs/add/", _add_form(world.departments["d2"], "not-mine"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert _counts() == before
    assert not Program.objects.filter(slug="not-mine").exists()


def test_operator_may_add_a_program_to_any_department(db, world):
    program = _add(world, "operator-made", actor="operator", department="d2")
    assert program.status == ProgramStatus.PROVISIONING


def test_program_needs_a_name_and_a_known_type(db, world):
    before = _counts()
    with pytest.raises(OnboardingError, match="name"):
        services.add_program(
            actor=world.users["hd1"],
            health_department=world.departments["d1"],
            name="  ",
            program_type="drop_in",
            slug="nameless",
        )
    with pytest.raises(OnboardingError) as excinfo:
        services.add_program(
            actor=world.users["hd1"],
            health_department=world.departments["d1"],
            name="X",
            program_type="casino",
            slug="typeless",
        )
    assert excinfo.value.field == "program_type"
    assert _counts() == before


# --- invitations ------------------------------------------------------------------------------


def _invite(world, program, email="first.admin@example.test", role=Role.PROGRAM_ADMIN):
    """An invitation from the program's own admin (programs A and B have one)."""
    invitation = services.invite_program_member(
        actor=world.users["a_admin"] if program == world.programs["a"] else world.users["b_admin"],
        program=program,
        email=email,
        role=role,
    )
    return invitation, urlsplit(invitation.link).path


def test_expired_invitation_is_refused(db, world):
    program = world.programs["a"]
    invitation, path = _invite(world, program)
    long_ago = timezone.now() - timedelta(days=30)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=long_ago, expires_at=long_ago + timedelta(days=7)
    )
    site = Client(HTTP_HOST="prog-a.localhost")
    response = site.get(path)
    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    response = site.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="first.admin@example.test").exists()
    token = path.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(OnboardingError, match="expired"):
        services.accept_invitation(token=token, program=program, password=NEW_PASSWORD)


def test_invitation_works_once(db, world):
    program = world.programs["a"]
    invitation, path = _invite(world, program)
    token = path.rstrip("/").rsplit("/", 1)[1]
    user = services.accept_invitation(token=token, program=program, password=NEW_PASSWORD)
    assert Membership.objects.filter(user=user, program=program).count() == 1

    with pytest.raises(OnboardingError, match="already been used"):
        services.accept_invitation(token=token, program=program, password=NEW_PASSWORD)
    site = Client(HTTP_HOST="prog-a.localhost")
    response = site.get(path)
    assert response.status_code == 410
    assert "already been used" in response.text
    response = site.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 410
    assert "_auth_user_id" not in site.session
    assert Membership.objects.filter(user=user).count() == 1


def test_invitation_is_bound_to_its_program(db, world):
    _invitation, path = _invite(world, world.programs["a"])
    response = Client(HTTP_HOST="prog-b.localhost").get(path)
    assert response.status_code == 410
    assert "not valid" in response.text
    response = Client(HTTP_HOST="prog-a.localhost").get("/invitations/made-up-token/")
    assert response.status_code == 410
    assert "not valid" in response.text


def test_password_mismatch_on_accept_keeps_the_invitation_open(db, world):
    program = world.programs["a"]
    invitation, path = _invite(world, program)
    site = Client(HTTP_HOST="prog-a.localhost")
    response = site.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert "The two passwords differ" in response.text
    response = site.post(path, {"password": "short", "password_again": "short"})
    assert response.status_code == 200
    assert "too short" in response.text
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert "_auth_user_id" not in site.session

    response = site.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.get(user__email=invitation.email).program == program


def test_existing_account_accepts_with_its_own_password(db, world):
    """Someone already on the platform (b_staff) joins program A too. (A program admin would
    be asked for their second factor next; staff go straight in.)"""
    program = world.programs["a"]
    b_staff = world.users["b_staff"]
    invitation, path = _invite(world, program, email=b_staff.email, role=Role.PROGRAM_STAFF)
    site = Client(HTTP_HOST="prog-a.localhost")
    page = site.get(path)
    assert "You already have an account" in page.text
    response = site.post(path, {"password": "not-the-password"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=b_staff, program=program).exists()
    from tests.conftest import PASSWORD

    response = site.post(path, {"password": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.get(user=b_staff, program=program).role == Role.PROGRAM_STAFF
    assert site.get("/").status_code == 200
    b_staff.refresh_from_db()
    assert b_staff.check_password(PASSWORD)


def test_invitation_errors(db, world):
    program = world.programs["a"]
    with pytest.raises(OnboardingError, match="Only the program's admins"):
        services.invite_program_member(
            actor=world.users["a_lead"], program=program, email="x@example.test"
        )
    with pytest.raises(OnboardingError, match="already a member"):
        services.invite_program_member(
            actor=world.users["a_admin"], program=program, email="A_STAFF@example.test"
        )
    with pytest.raises(OnboardingError, match="program role"):
        services.invite_program_member(
            actor=world.users["a_admin"],
            program=program,
            email="x@example.test",
            role=Role.HEALTH_DEPARTMENT_ADMIN,
        )
    with pytest.raises(OnboardingError, match="cannot invite"):
        services.invite_first_admin(
            actor=world.users["hd2"], program=_add(world, "other-dept"), email="x@example.test"
        )
    pending = _add(world, "not-ready-yet")
    with pytest.raises(OnboardingError, match="not ready yet"):
        services.invite_first_admin(
            actor=world.users["hd1"], program=pending, email="x@example.test"
        )
    assert not Invitation.objects.exists()


# --- provisioning failures and retry ------------------------------------------------------------


def test_provisioning_failure_is_recorded_and_retry_succeeds(db, world, client_for, settings):
    program = _add(world, "will-fail")
    template = settings.TENANT_BASE_SCHEMA
    with connections["owner"].cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{template}" RENAME TO "{template}_away"')
    try:
        program = services.provision_program(program_id=program.pk)
    finally:
        with connections["owner"].cursor() as cursor:
            cursor.execute(f'ALTER SCHEMA "{template}_away" RENAME TO "{template}"')
    assert program.status == ProgramStatus.FAILED
    assert "template schema is missing" in program.failure_reason
    assert program.provisioning_attempts == 1
    assert not schema_exists("will_fail")

    platform = client_for(None, world.users["hd1"])
    detail = platform.get(f"/programs/{program.pk}/")
    assert "Set-up failed." in detail.text
    assert "template schema is missing" in detail.text
    assert "Try again" in detail.text
    assert Client(HTTP_HOST="will-fail.localhost").get("/").status_code == 503
    with pytest.raises(OnboardingError, match="not ready yet"):
        services.invite_first_admin(
            actor=world.users["hd1"], program=program, email="x@example.test"
        )

    # Retrying is for the program's own department only, and only once it failed.
    with pytest.raises(OnboardingError):
        services.retry_provisioning(actor=world.users["hd2"], program=program)
    response = platform.post(f"/programs/{program.pk}/retry/")
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == ProgramStatus.PROVISIONING
    assert program.failure_reason == ""
    with pytest.raises(OnboardingError, match="Only a program whose set-up failed"):
        services.retry_provisioning(actor=world.users["hd1"], program=program)

    program = services.provision_program(program_id=program.pk)
    assert program.status == ProgramStatus.READY, program.failure_reason
    assert program.provisioning_attempts == 2
    assert schema_exists("will_fail")
    assert "Ready." in platform.get(f"/programs/{program.pk}/").text


def test_failure_in_the_middle_of_cloning_leaves_no_schema(db, world, settings):
    """A migration holding a lock on the template while a program is cloned: the clone times
    out half-way, and the schema it had started is rolled back with it."""
    program = _add(world, "half-made")
    template = settings.TENANT_BASE_SCHEMA
    owner = connections["owner"]
    other = psycopg.connect(**owner.get_connection_params(), autocommit=False)
    try:
        other.execute(f'LOCK TABLE "{template}".tenants_participant IN ACCESS EXCLUSIVE MODE')
        with owner.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            program = services.provision_program(program_id=program.pk)
        finally:
            with owner.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        other.rollback()
        other.close()
    assert program.status == ProgramStatus.FAILED
    assert "lock" in program.failure_reason.lower()
    assert not schema_exists("half_made")

    services.retry_provisioning(actor=world.users["hd1"], program=program)
    program = services.provision_program(program_id=program.pk)
    assert program.status == ProgramStatus.READY, program.failure_reason
    assert schema_exists("half_made")


def test_provisioning_a_ready_program_again_changes_nothing(db, world, in_program):
    """Dramatiq delivers at least once: a duplicate job must not wipe a ready program."""
    from tenants.models import Participant

    program = world.programs["a"]
    with in_program(program):
        Participant.objects.create(code="KEEP-1")
    again = services.provision_program(program_id=program.pk)
    assert again.status == ProgramStatus.READY
    with in_program(program):
        assert Participant.objects.filter(code="KEEP-1").exists()


def test_two_admins_racing_for_one_address(db, world):
    """Another session takes the slug between our check and our insert: a clear message, not a
    server error, and nothing of ours is left behind."""
    import threading

    d1 = world.departments["d1"]
    # Another session writing the public table directly (as the owner: the app role itself,
    # without the role its backend switches to, may read and write nothing).
    other = psycopg.connect(**connections["owner"].get_connection_params(), autocommit=False)
    try:
        other.execute(
            "INSERT INTO organizations_program (schema_name, name, slug, program_type,"
            " health_department_id, status, failure_reason, provisioning_attempts, created_at)"
            " VALUES ('racy_place', 'Theirs', 'racy-place', 'drop_in', %s, 'provisioning', '',"
            " 0, now())",
            [d1.pk],
        )
        # Ours does not see theirs yet, so the check passes; the insert waits for their commit.
        threading.Timer(0.5, other.commit).start()
        before = _counts()
        with pytest.raises(OnboardingError, match="already taken"):
            _add(world, "racy-place")
        assert Domain.objects.count() == before[1]
        assert list(Program.objects.filter(slug="racy-place").values_list("name", flat=True)) == [
            "Theirs"
        ]
    finally:
        other.rollback()
        other.execute("DELETE FROM organizations_program WHERE slug = 'racy-place'")
        other.commit()
        other.close()
