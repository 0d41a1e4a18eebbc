"""A session belongs to the site it was signed in on (accounts.site_sessions): its cookie is
host-only, and the same cookie presented on another program's site or on the platform is
anonymous there, so a program staff member's session never opens (or names them on) the
platform's admin."""

from django.test import Client

from tests.conftest import PASSWORD, host_of

LOGIN = "/accounts/login/"


def _sign_in(host, user):
    client = Client(HTTP_HOST=host)
    answer = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return client


def _with_cookie_of(client, host):
    """Another browser on another host, holding the first one's session cookie."""
    other = Client(HTTP_HOST=host)
    other.cookies["sessionid"] = client.cookies["sessionid"].value
    return other


def test_session_cookie_is_host_only(db, world):
    client = _sign_in(host_of(world.programs["a"]), world.users["a_staff"])
    cookie = client.cookies["sessionid"]
    assert cookie["domain"] == "" and cookie["httponly"]


def test_a_program_session_is_anonymous_on_the_platform_and_its_admin(db, world):
    staff = world.users["a_staff"]
    own = _sign_in(host_of(world.programs["a"]), staff)
    assert own.get("/").status_code == 200  # works on its own site

    platform = _with_cookie_of(own, "localhost")
    admin = platform.get("/admin/", follow=True)
    page = admin.content.decode()
    assert staff.email not in page and "authenticated as" not in page
    assert admin.redirect_chain[-1][0].startswith("/admin/login/")
    home = platform.get("/", follow=True).content.decode()
    assert staff.email not in home
    # ...and still signed in on its own site afterwards.
    assert own.get("/").status_code == 200


def test_a_program_session_is_anonymous_on_another_program(db, world):
    own = _sign_in(host_of(world.programs["a"]), world.users["a_staff"])
    elsewhere = _with_cookie_of(own, host_of(world.programs["b"]))
    answer = elsewhere.get("/api/cases/")
    assert answer.status_code == 401  # asks to sign in: nobody is signed in here
    assert world.users["a_staff"].email not in elsewhere.get("/", follow=True).content.decode()


def test_a_platform_session_is_anonymous_on_a_program(db, world):
    operator = world.users["hd1"]
    platform = Client(HTTP_HOST="localhost")
    answer = platform.post(LOGIN, {"username": operator.email, "password": PASSWORD})
    assert answer.status_code == 302
    program = _with_cookie_of(platform, host_of(world.programs["a"]))
    assert program.get("/api/cases/").status_code == 401


def test_the_admin_is_404_for_anyone_signed_in_but_staff(db, world, client_for):
    """Signed in on the platform itself, a program's staff member gets the site's 404 from
    every admin page, the admin's sign-in page included, never Django's "you are authenticated
    as ..., but are not authorized" page."""
    staff = world.users["a_staff"]
    client = client_for(None, staff)
    for path in ("/admin/", "/admin/login/", "/admin/accounts/user/"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "authenticated as" not in answer.content.decode()
    operator = world.users["operator"]
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    assert client_for(None, operator).get("/admin/").status_code == 200


def test_a_staff_account_reaches_the_admin_only_past_two_step_sign_in(db, client_for):
    """An `is_staff` account with no platform role signs in with a password: the admin sends
    it to set up two-factor sign-in first, and opens once the session has passed it."""
    from accounts.models import User

    desk = User.objects.create_user(email="desk@example.test", password=PASSWORD, is_staff=True)
    answer = client_for(None, desk, verified=False).get("/admin/")
    assert answer.status_code == 302
    assert answer.url.startswith("/accounts/two-factor/setup/?next=/admin/")
    assert client_for(None, desk).get("/admin/").status_code == 200
