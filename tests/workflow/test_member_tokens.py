"""Personal API tokens of program members: made on the program's site and shown once, stored
only hashed, used as `Authorization: Token ...` (or Bearer) on that program's API alone, with
exactly the member's permissions; revoked, expired, foreign and deactivated members' tokens
get 401 JSON."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import host_of


@pytest.fixture
def make_token(db, client_for, program_a, world):
    """make_token(user_key) -> plaintext, made on the token page as that user would."""

    def make(key, name="report script", days="90", verified=True):
        page = client_for(program_a, world.users[key], verified=verified).post(
            "/accounts/api-tokens/", {"name": name, "days": days}, follow=True
        )
        assert page.redirect_chain == [("/accounts/api-tokens/", 302)]  # a reload makes none
        assert page.status_code == 200
        start = page.content.decode().index('id="new-token">') + len('id="new-token">')
        return page.content.decode()[start:].split("<", 1)[0]

    return make


def token_client(program, plaintext, keyword="Token"):
    # CSRF checks on, no session: the token alone must carry the request.
    return Client(
        HTTP_HOST=host_of(program),
        HTTP_AUTHORIZATION=f"{keyword} {plaintext}",
        enforce_csrf_checks=True,
    )


def _change_role(admin, membership, role):
    """The staff page's role form, as the program admin sends it: the page after redirect."""
    return admin.post(
        f"/settings/staff/{membership.pk}/role/",
        {f"m{membership.pk}-role": role},
        follow=True,
    )


def test_a_token_is_shown_once_stored_hashed_and_acts_as_its_member(
    make_token, client_for, program_a, world, in_program
):
    from tenants.models import MemberToken

    plaintext = make_token("a_staff")
    assert plaintext.startswith("hrp_") and len(plaintext) > 40
    page = client_for(program_a, world.users["a_staff"]).get("/accounts/api-tokens/")
    assert plaintext not in page.content.decode() and "report script" in page.content.decode()
    with in_program(program_a):
        token = MemberToken.objects.get(user=world.users["a_staff"])
        assert plaintext not in token.key_hash and token.last_used_at is None
        assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)

    client = token_client(program_a, plaintext)
    me = client.get("/api/me/")
    assert me.status_code == 200 and me.json()["id"] == world.users["a_staff"].pk
    # Writes work without a CSRF token or a session: the token is the credential.
    made = client.post(
        "/api/participants/", {"code": "P-tok", "alias": "Tok"}, content_type="application/json"
    )
    assert made.status_code == 201, made.json()
    assert token_client(program_a, plaintext, "Bearer").get("/api/me/").status_code == 200
    with in_program(program_a):
        assert MemberToken.objects.get(pk=token.pk).last_used_at is not None
    # A staff member's token is not an admin's: admin-only answers stay closed.
    assert client.get("/api/case-reads/").status_code == 403
    # Only the API: a page of the site does not take a token.
    assert client.get("/cases/").status_code == 404


def test_revoked_and_expired_tokens_get_401_json(
    make_token, client_for, program_a, world, in_program
):
    from tenants.models import MemberToken

    revoked, expiring = make_token("a_staff", "one"), make_token("a_staff", "two")
    with in_program(program_a):
        one = MemberToken.objects.get(name="one")
        MemberToken.objects.filter(name="two").update(
            created_at=timezone.now() - timedelta(days=91),
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    page = client_for(program_a, world.users["a_staff"])
    assert page.post(f"/accounts/api-tokens/{one.pk}/revoke/").status_code == 302
    for plaintext in (revoked, expiring):
        answer = token_client(program_a, plaintext).get("/api/cases/")
        assert answer.status_code == 401
        assert answer.json()["detail"] == "Invalid, expired or revoked token."
        assert answer["WWW-Authenticate"] == "Token"
    # Nobody revokes another member's token.
    other = make_token("a_lead")
    with in_program(program_a):
        lead_token = MemberToken.objects.get(user=world.users["a_lead"])
    assert page.post(f"/accounts/api-tokens/{lead_token.pk}/revoke/").status_code == 404
    assert token_client(program_a, other).get("/api/me/").status_code == 200


def test_a_token_opens_nothing_on_another_programs_host(make_token, program_b):
    plaintext = make_token("a_admin")
    client = token_client(program_b, plaintext)
    answer = client.get("/api/cases/")
    assert answer.status_code == 401 and "detail" in answer.json()
    assert client.get("/").status_code == 404
    # Nor on the platform site's API.
    platform = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert platform.get("/api/ta/departments/").status_code == 401


def test_a_deactivated_or_removed_members_tokens_stop_working(make_token, program_a, world):
    from accounts.models import Membership, User

    staff, lead = make_token("a_staff"), make_token("a_lead")
    User.objects.filter(pk=world.users["a_staff"].pk).update(is_active=False)
    assert token_client(program_a, staff).get("/api/me/").status_code == 401
    Membership.objects.filter(user=world.users["a_lead"], program=program_a).delete()
    assert token_client(program_a, lead).get("/api/me/").status_code == 401


def test_a_token_keeps_the_party_rule(make_token, client_for, program_a, world):
    session = client_for(program_a, world.users["a_staff"])
    person = session.post(
        "/api/participants/", {"code": "P-pr", "alias": "Pr"}, content_type="application/json"
    ).json()["id"]
    case = session.post(
        "/api/cases/",
        {
            "kind": "incident",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "narrative": "Shouting at the door.",
            "categories": ["threat"],
            "severity": "low",
            "location": "door",
            "parties": [
                {"role": "person_who_did_harm", "participant": person},
                {"role": "witness", "staff_user": world.users["a_staff2"].pk},
            ],
        },
        content_type="application/json",
    )
    assert case.status_code == 201, case.json()
    witness = token_client(program_a, make_token("a_staff2"))
    assert witness.get(f"/api/cases/{case.json()['id']}/").status_code == 404
    lead = token_client(program_a, make_token("a_lead"))
    assert lead.get(f"/api/cases/{case.json()['id']}/").status_code == 200


def test_a_token_needs_a_name_and_an_offered_lifetime(db, client_for, program_a, world):
    page = client_for(program_a, world.users["a_staff"])
    answer = page.post("/accounts/api-tokens/", {"name": " ", "days": "3650"})
    assert answer.status_code == 400
    assert "Give the token a name." in answer.content.decode()
    assert 'id="new-token"' not in answer.content.decode()


# -- A token is only as strong as the sign-in that made it (review A1) ------------------------


def test_a_staff_token_made_with_a_password_alone_opens_no_admin_api_after_promotion(
    make_token, program_a, world, in_program
):
    """Program staff need no two-factor sign-in; a token they make with a password alone must not
    open what a program admin's account needs two-factor sign-in for, once they are made one (here
    in the Django admin, a path that bypasses the staff page's revocation)."""
    from accounts.models import Membership, Role
    from tenants.models import MemberToken

    staff = world.users["a_staff"]
    plaintext = make_token("a_staff", verified=False)
    client = token_client(program_a, plaintext)
    me = client.get("/api/me/")
    # /api/me/ tells the truth: this token's session never passed two-factor sign-in.
    assert me.status_code == 200 and me.json()["two_factor_verified"] is False
    assert client.get("/api/program-export/").status_code == 403
    Membership.objects.filter(user=staff, program=program_a).update(role=Role.PROGRAM_ADMIN)
    for path in ("/api/program-export/", "/api/case-reads/", "/api/me/"):
        answer = client.get(path)
        assert answer.status_code == 401, path
        assert "set up two-factor sign-in, then make a new token" in answer.json()["detail"]
    with in_program(program_a):
        assert MemberToken.objects.get(user=staff).revoked_at is None  # refused, not revoked


def test_an_admin_token_made_past_two_step_sign_in_works_and_says_so(make_token, program_a):
    client = token_client(program_a, make_token("a_admin"))
    assert client.get("/api/me/").json()["two_factor_verified"] is True
    assert client.get("/api/case-reads/").status_code == 200


def test_promotion_on_the_staff_page_revokes_the_members_tokens(
    make_token, client_for, program_a, world
):
    from accounts.models import Membership

    plaintext = make_token("a_staff", verified=False)
    make_token("a_staff", name="weekly numbers")
    lead = make_token("a_lead")
    membership = Membership.objects.get(user=world.users["a_staff"], program=program_a)
    admin = client_for(program_a, world.users["a_admin"])
    changed = _change_role(admin, membership, "program_admin")
    assert changed.redirect_chain == [("/settings/staff/", 302)]
    # The admin is told their scripts stopped, and what the member does about it.
    assert (
        "a_staff@example.test is now Program admin. Their 2 API tokens stopped working: they "
        "can make new ones after signing in with two-factor sign-in."
    ) in changed.content.decode()
    answer = token_client(program_a, plaintext).get("/api/program-export/")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Invalid, expired or revoked token."
    # Someone else's tokens, and a change to a role that needs no more, revoke nothing.
    lead_membership = Membership.objects.get(user=world.users["a_lead"], program=program_a)
    demoted = _change_role(admin, lead_membership, "program_staff").content.decode()
    assert "a_lead@example.test is now Program staff." in demoted
    assert "stopped working" not in demoted
    assert token_client(program_a, lead).get("/api/me/").status_code == 200


def test_promotion_says_when_the_members_one_token_stopped(
    make_token, client_for, program_a, world
):
    from accounts.models import Membership

    make_token("a_staff2", verified=False)
    membership = Membership.objects.get(user=world.users["a_staff2"], program=program_a)
    admin = client_for(program_a, world.users["a_admin"])
    page = _change_role(admin, membership, "program_admin").content.decode()
    assert (
        "Their API token stopped working: they can make a new one after signing in with "
        "two-factor sign-in."
    ) in page


def test_a_removed_members_token_stays_refused_when_they_are_invited_back(
    make_token, client_for, program_a, world, in_program
):
    from accounts.models import Membership, Role
    from tenants.models import MemberToken

    staff = world.users["a_staff2"]
    plaintext = make_token("a_staff2", verified=False)
    membership = Membership.objects.get(user=staff, program=program_a)
    admin = client_for(program_a, world.users["a_admin"])
    assert admin.post(f"/settings/staff/{membership.pk}/remove/").status_code == 302
    assert token_client(program_a, plaintext).get("/api/me/").status_code == 401
    with in_program(program_a):
        assert MemberToken.objects.get(user=staff).revoked_at is not None
    # Invited back (a new membership): the old token is still refused, a new one works.
    Membership.objects.create(user=staff, program=program_a, role=Role.PROGRAM_STAFF)
    assert token_client(program_a, plaintext).get("/api/me/").status_code == 401
    assert token_client(program_a, make_token("a_staff2")).get("/api/me/").status_code == 200


def test_a_token_from_an_earlier_membership_is_refused_even_if_never_revoked(
    make_token, program_a, world
):
    """Tokens of members removed before removal revoked them: the membership they come back
    with is newer than the token."""
    from accounts.models import Membership, Role

    staff = world.users["a_staff2"]
    plaintext = make_token("a_staff2", verified=False)
    Membership.objects.filter(user=staff, program=program_a).delete()
    Membership.objects.create(user=staff, program=program_a, role=Role.PROGRAM_STAFF)
    answer = token_client(program_a, plaintext).get("/api/me/")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Invalid, expired or revoked token."


def test_reloading_the_page_that_shows_a_new_token_makes_no_second_one(
    db, client_for, program_a, world, in_program
):
    from tenants.models import MemberToken

    page = client_for(program_a, world.users["a_staff"])
    shown = page.post("/accounts/api-tokens/", {"name": "once", "days": "180"}, follow=True)
    assert 'id="new-token"' in shown.content.decode()
    again = page.get("/accounts/api-tokens/")
    assert 'id="new-token"' not in again.content.decode()
    with in_program(program_a):
        assert MemberToken.objects.filter(user=world.users["a_staff"]).count() == 1


def test_a_staff_members_script_keeps_working_after_they_turn_on_two_factor_sign_in(
    make_token, program_a, world
):
    """Program staff may turn two-factor sign-in on for themselves; a token they made before
    still answers (their role does not need it), as JSON and not as a code page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    plaintext = make_token("a_staff", verified=False)
    TOTPDevice.objects.create(user=world.users["a_staff"], name="phone", confirmed=True)
    me = token_client(program_a, plaintext).get("/api/me/")
    assert me.status_code == 200 and me.json()["two_factor_verified"] is False
