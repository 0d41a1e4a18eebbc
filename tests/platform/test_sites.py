"""Hosts route to the right site; a program's site is open only to its members (everyone else
gets 404, whoever they are elsewhere); sign-in, sign-out and password reset on a program site;
a suspended program's site says so and accepts no changes."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.models import Membership, Role, User
from organizations import services
from organizations.models import Invitation, Program, ProgramStatus
from tests.conftest import PASSWORD, verify_second_factor
from tests.platform.conftest import link_in

OUTSIDERS = ["b_admin", "hd1", "ta_x", "operator"]
PROGRAM_PAGES = ["/", "/api/schema/", "/api/docs/", "/no/such/page/", "/accounts/login/"]


def _sign_in(client, user, password=PASSWORD):
    return client.post("/accounts/login/", {"username": user.email, "password": password})


def _signed_in(client):
    return "_auth_user_id" in client.session


# --- routing by host ---------------------------------------------------------------------------


def test_platform_host_serves_platform_urls(db, world, client_for):
    anonymous = client_for(None)
    assert anonymous.get("/").status_code == 200
    response = anonymous.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    response = anonymous.get("/programs/add/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client_for(None, world.users["hd1"]).get("/programs/add/").status_code == 200
    operator = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    admin_page = client_for(None, operator).get("/admin/")
    assert admin_page.status_code == 200
    for model in ("programs", "health departments", "users"):
        assert model in admin_page.text.lower()
    # Program-site URLs do not exist on the platform.
    assert anonymous.get("/invitations/some-token/").status_code == 404
    assert anonymous.get("/api/cases/").status_code == 404
    # The platform's own API description (the TA API) is for signed-in users only, and it
    # describes no program endpoint.
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    schema = client_for(None, world.users["ta_x"]).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/cases/" not in schema.text


def test_platform_host_with_a_port(db, world):
    platform = Client(HTTP_HOST="localhost:8000").get("/")
    assert platform.status_code == 200 and "Program A" not in platform.text
    # A program's front door is open to visitors (issue 15): that program's, with the port.
    front_door = Client(HTTP_HOST="prog-a.localhost:8000").get("/")
    assert front_door.status_code == 200
    assert "Program A" in front_door.text and "File a complaint" in front_door.text


def test_program_host_serves_program_urls(db, world, client_for, program_a):
    member = client_for(program_a, world.users["a_admin"])
    home = member.get("/")
    assert home.status_code == 200
    assert "You are signed in to Program A" in home.text
    assert member.get("/api/schema/").status_code == 200
    # Platform URLs do not exist on a program site.
    assert member.get("/admin/").status_code == 404
    assert member.get("/programs/add/").status_code == 404
    assert member.get(f"/programs/{program_a.pk}/").status_code == 404


def test_program_host_runs_in_its_own_schema(db, world, client_for, in_program):
    from tenants.models import Participant

    with in_program(world.programs["a"]):
        Participant.objects.bulk_create([Participant(code=f"A-{i}") for i in range(3)])
    a_home = client_for(world.programs["a"], world.users["a_staff"]).get("/")
    b_home = client_for(world.programs["b"], world.users["b_staff"]).get("/")
    assert "3 participants on record" in a_home.text
    assert "0 participants on record" in b_home.text


@pytest.mark.parametrize("host", ["nowhere.localhost", "prog-a.example.org", "prog-a"])
def test_unknown_host_is_404(db, world, host):
    assert Client(HTTP_HOST=host).get("/").status_code == 404


def test_program_still_provisioning_or_failed_is_not_open_yet(db, world, client_for):
    program = services.add_program(
        actor=world.users["hd1"],
        health_department=world.departments["d1"],
        name="New place",
        program_type="drop_in",
        slug="new-place",
    )
    site = Client(HTTP_HOST="new-place.localhost")
    for path in ("/", "/accounts/login/", "/no/such/page/"):
        response = site.get(path)
        assert response.status_code == 503
        assert "This site is not open yet" in response.text
    assert site.get("/healthz").status_code == 200
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.FAILED)
    assert site.get("/").status_code == 503


# --- the 404 rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_non_member_gets_404_on_every_page(db, world, client_for, program_a, outsider):
    client = client_for(program_a, world.users[outsider])
    for path in PROGRAM_PAGES + ["/accounts/password-reset/"]:
        assert client.get(path).status_code == 404, path
    assert client.post("/", {}).status_code == 404


def test_superuser_without_membership_gets_404(db, client_for, program_a):
    root = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    client = client_for(program_a, root)
    for path in PROGRAM_PAGES:
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("outsider, home", [("b_admin", "prog-b"), ("hd1", None), ("ta_x", None)])
def test_non_member_signed_in_elsewhere_is_anonymous(db, world, program_a, outsider, home):
    """Signed in through the login form of their own site, the session opens nothing on A's:
    there it is nobody's (accounts.site_sessions), so A's pages ask to sign in."""
    client = Client(HTTP_HOST=f"{home}.localhost" if home else "localhost")
    response = _sign_in(client, world.users[outsider])
    assert response.status_code == 302
    assert _signed_in(client)
    visitor = Client(HTTP_HOST="prog-a.localhost")
    for path in PROGRAM_PAGES:
        response = client.get(path, HTTP_HOST="prog-a.localhost")
        assert response.status_code == visitor.get(path).status_code, path
        assert response.get("Location") == visitor.get(path).get("Location"), path
        assert world.users[outsider].email not in response.text


def test_login_form_refuses_non_members_like_a_wrong_password(db, world, program_a):
    site = Client(HTTP_HOST="prog-a.localhost")
    wrong = _sign_in(site, world.users["a_staff"], password="not-the-password")
    assert wrong.status_code == 200
    errors = re.findall(r'<div class="msg error" role="alert">(.*?)</div>', wrong.text, re.S)
    assert errors and "correct email address and password" in errors[0]
    for outsider in ("b_admin", "hd1", "operator"):
        refused = _sign_in(site, world.users[outsider])
        assert refused.status_code == 200
        assert (
            re.findall(r'<div class="msg error" role="alert">(.*?)</div>', refused.text, re.S)
            == errors
        )
        assert not _signed_in(site)
        response = site.get("/cases/")  # "/" is the front door, open to all (issue 15)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_anonymous_visitor_is_sent_to_sign_in(db, world, program_a):
    site = Client(HTTP_HOST="prog-a.localhost")
    assert "Staff sign-in" in site.get("/").text  # the front door (issue 15)
    for path in ("/cases/", "/api/docs/"):
        response = site.get(path)
        assert response.status_code == 302, path
        assert response.url == f"/accounts/login/?next={path}"
    # What a program client reads is answered in its own terms, not with a redirect.
    assert site.get("/api/schema/").status_code == 401
    assert site.get("/no/such/page/").status_code == 404
    login = site.get("/accounts/login/")
    assert login.status_code == 200
    assert "Program A" in login.text


@pytest.mark.parametrize("member", ["a_admin", "a_lead", "a_staff"])
def test_members_reach_their_program(db, world, client_for, program_a, member):
    client = client_for(program_a, world.users[member])
    today = client.get("/")
    assert today.status_code == 200 and "My cases" in today.text
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200 and "/api/cases/" in schema.text


# --- sign-in, sign-out, password reset on a program site ---------------------------------------


def test_sign_in_and_out_on_a_program_site(db, world, program_a):
    site = Client(HTTP_HOST="prog-a.localhost")
    response = site.post(
        "/accounts/login/",
        {"username": "A_Staff@Example.test", "password": PASSWORD, "next": "/api/schema/"},
    )
    assert response.status_code == 302 and response.url == "/api/schema/"
    assert site.get("/").status_code == 200
    response = site.post("/accounts/logout/")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert not _signed_in(site)
    assert site.get("/cases/").status_code == 302


def test_sign_in_refuses_a_next_url_on_another_host(db, world, program_a):
    site = Client(HTTP_HOST="prog-a.localhost")
    response = site.post(
        "/accounts/login/",
        {
            "username": "a_staff@example.test",
            "password": PASSWORD,
            "next": "http://prog-b.localhost/",
        },
    )
    assert response.status_code == 302 and response.url == "/"


def test_password_reset_on_a_program_site(db, world, program_a, mailoutbox):
    site = Client(HTTP_HOST="prog-a.localhost")
    assert site.get("/accounts/password-reset/").status_code == 200
    response = site.post("/accounts/password-reset/", {"email": "a_staff@example.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = link_in(mailoutbox[0])
    assert link.startswith("http://prog-a.localhost:8000/accounts/reset/")

    response = site.get(urlsplit(link).path)
    assert response.status_code == 302  # to the set-password form, token moved to the session
    form_url = response.url
    new_password = "brand-new-passphrase-7"
    response = site.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302 and response.url == "/accounts/reset/done/"
    assert site.get(response.url).status_code == 200

    user = User.objects.get(email="a_staff@example.test")
    assert user.check_password(new_password)
    assert _sign_in(site, user, PASSWORD).status_code == 200  # the old one no longer works
    assert _sign_in(site, user, new_password).status_code == 302
    # The link worked once.
    again = Client(HTTP_HOST="prog-a.localhost").get(urlsplit(link).path, follow=True)
    assert "This link no longer works" in again.text


def test_password_reset_sends_nothing_to_non_members(db, world, program_a, mailoutbox):
    """A program's site mails reset links only to its members; the page looks the same."""
    site = Client(HTTP_HOST="prog-a.localhost")
    member = site.post("/accounts/password-reset/", {"email": "a_staff@example.test"})
    outsider = site.post("/accounts/password-reset/", {"email": "b_admin@example.test"})
    nobody = site.post("/accounts/password-reset/", {"email": "nobody@example.test"})
    assert member.status_code == outsider.status_code == nobody.status_code == 302
    assert member.url == outsider.url == nobody.url
    assert [m.to for m in mailoutbox] == [["a_staff@example.test"]]
    # On the platform site everyone with an account can reset.
    Client(HTTP_HOST="localhost").post(
        "/accounts/password-reset/", {"email": "b_admin@example.test"}
    )
    assert mailoutbox[-1].to == ["b_admin@example.test"]
    assert "http://localhost:8000/accounts/reset/" in mailoutbox[-1].body


def test_reset_and_invitation_links_come_from_settings_not_the_host_header(
    db, world, program_a, mailoutbox, settings, django_capture_on_commit_callbacks
):
    """The port (or scheme) a request came in on never reaches a link in an email (issue 13)."""
    settings.SITE_SCHEME, settings.PUBLIC_PORT = "https", ""
    Client(HTTP_HOST="prog-a.localhost:6666").post(
        "/accounts/password-reset/", {"email": "a_staff@example.test"}
    )
    Client(HTTP_HOST="localhost:6666").post(
        "/accounts/password-reset/", {"email": "b_admin@example.test"}
    )
    staff = Client(HTTP_HOST="prog-a.localhost:6666")
    staff.force_login(world.users["a_admin"])
    verify_second_factor(staff, world.users["a_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        invited = staff.post(
            "/settings/staff/invite/", {"email": "linked@example.test", "role": "program_staff"}
        )
    assert invited.status_code == 302
    links = [link_in(m) for m in mailoutbox]
    assert links[0].startswith("https://prog-a.localhost/accounts/reset/")
    assert links[1].startswith("https://localhost/accounts/reset/")
    assert links[2].startswith("https://prog-a.localhost/invitations/")


# --- a suspended program -----------------------------------------------------------------------


@pytest.fixture
def suspended_a(db, world):
    program = world.programs["a"]
    invitation = services.invite_program_member(
        actor=world.users["a_admin"], program=program, email="late@example.test"
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.SUSPENDED)
    return program, urlsplit(invitation.link).path


def test_suspended_program_says_so(suspended_a, world, client_for):
    program, _path = suspended_a
    home = client_for(program, world.users["a_admin"]).get("/")
    assert home.status_code == 200
    assert "This program is suspended" in home.text


def test_suspended_program_refuses_changes(suspended_a, world, client_for, mailoutbox):
    program, path = suspended_a
    member = client_for(program, world.users["a_admin"])
    response = member.post("/", {"anything": "1"})
    assert response.status_code == 403
    assert "No changes accepted" in response.text

    visitor = Client(HTTP_HOST="prog-a.localhost")
    assert visitor.get(path).status_code == 200  # reading is fine
    response = visitor.post(
        path,
        {
            "full_name": "Pat Example",
            "password": "x-long-passphrase-1",
            "password_again": "x-long-passphrase-1",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="late@example.test").exists()
    assert Invitation.objects.get(email="late@example.test").accepted_at is None

    response = visitor.post("/accounts/password-reset/", {"email": "a_staff@example.test"})
    assert response.status_code == 403
    assert mailoutbox == []

    # Outsiders still get 404, not a hint that the program exists.
    outsider = client_for(program, world.users["b_admin"])
    assert outsider.post("/", {}).status_code == 404


def test_suspended_program_still_allows_sign_in_and_out(suspended_a, world):
    site = Client(HTTP_HOST="prog-a.localhost")
    assert _sign_in(site, world.users["a_staff"]).status_code == 302
    assert site.get("/").status_code == 200
    assert site.post("/accounts/logout/").status_code == 302
    assert not _signed_in(site)


def test_membership_roles_are_what_the_world_says(db, world, program_a):
    roles = dict(Membership.objects.filter(program=program_a).values_list("user__email", "role"))
    assert roles["a_admin@example.test"] == Role.PROGRAM_ADMIN
    assert "b_admin@example.test" not in roles
