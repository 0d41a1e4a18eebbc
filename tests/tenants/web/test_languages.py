"""Language follows the person (issue 17): the browser's language on public pages, with a
switcher; staff choose theirs; a filer's notices and own page are in the language they filed
in, whatever staff read in; a program can turn a language off."""

import pytest

from tests.tenants.web.test_own_page import MINE, case_of, file_anonymously
from tests.tenants.web.test_public_pages import STATUS


@pytest.fixture
def spanish_on(db, program_a):
    """Program A offers both languages (each test's changes are rolled back after it)."""
    assert program_a.languages_off == []


def test_the_browsers_language_and_the_switcher(program_a, public_client, spanish_on):
    english = public_client(program_a).get("/")
    assert '<html lang="en">' in english.text and "File a complaint" in english.text
    assert 'lang="es">Español</button>' in english.text

    visitor = public_client(program_a)
    spanish = visitor.get("/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    assert '<html lang="es">' in spanish.text
    assert "Poner una queja" in spanish.text and "File a complaint" not in spanish.text
    assert spanish["Content-Language"] == "es"

    # The switcher: a cookie, and back to the page the person was on.
    switched = visitor.post("/accounts/language/", {"language": "en", "next": "/complaints/new/"})
    assert switched.status_code == 302 and switched["Location"] == "/complaints/new/"
    page = visitor.get("/complaints/new/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en">' in page.text and "Send my complaint" in page.text


def test_staff_choose_their_language_in_their_settings(program_a, client_for, world, spanish_on):
    staff = client_for(program_a, world.users["a_staff"])
    form = staff.get("/accounts/name/").text
    assert 'name="language"' in form
    saved = staff.post(
        "/accounts/name/", {"first_name": "Sam", "last_name": "", "language": "es"}, follow=True
    )
    assert "Guardado." in saved.text
    # Their browser says English; their own setting wins.
    today = staff.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="es">' in today.text and "Anotar incidente" in today.text


def test_a_spanish_filer_gets_notices_in_spanish_while_staff_read_english(
    program_a, public_client, client_for, world, in_program, spanish_on
):
    from workflow.models import Notice

    filer = public_client(program_a)
    filer.cookies["django_language"] = "es"
    code = file_anonymously(filer, what_happened="Alguien se llevó mi bolsa de materiales.")
    case = case_of(code, program_a, in_program)
    staff = client_for(program_a, world.users["a_staff"])
    case_page = staff.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Alguien se llevó mi bolsa" in case_page.text and "People involved" in case_page.text
    assert staff.post(f"/cases/{case.pk}/steps/acknowledge_case/").status_code == 302
    with in_program(program_a):
        notice = Notice.objects.get(case=case)
    assert "Usted puso una queja el" in notice.text and "Sus derechos" in notice.text
    assert "You filed" not in notice.text

    # Their own page is in their language even from an English browser...
    reader = public_client(program_a)
    reader.post(STATUS, {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    own = reader.get(MINE, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="es">' in own.text and "Sus avisos" in own.text
    # ...and the switcher there changes it for good.
    reader.post(MINE, {"action": "language", "language-language": "en"})
    assert "Your notices" in reader.get(MINE, HTTP_ACCEPT_LANGUAGE="es").text

    # The printed notice is in the party's language, inside the staff member's English page.
    with in_program(program_a):
        notice_id = Notice.objects.get(case=case).pk
        from workflow.models import CaseParty

        CaseParty.objects.filter(case=case).update(language="es")
    printed = staff.get(f"/cases/{case.pk}/notices/{notice_id}/print/").text
    assert '<div lang="es">' in printed and "Para:" in printed and "Skip to content" in printed


def test_a_participants_preferred_language(program_a, client_for, world, in_program, spanish_on):
    from tenants.models import Participant

    staff = client_for(program_a, world.users["a_staff"])
    added = staff.post(
        "/participants/", {"new-code": "LANG-1", "new-alias": "", "new-language": "es"}
    )
    assert added.status_code == 302, added.text
    with in_program(program_a):
        person = Participant.objects.get(code="LANG-1")
        assert person.language == "es"
    changed = staff.post(f"/participants/{person.pk}/", {"language": "en"})
    assert changed.status_code == 302
    with in_program(program_a):
        person.refresh_from_db()
        assert person.language == "en"
        person.delete()


def test_a_program_turns_a_language_off(program_a, public_client, client_for, world, spanish_on):
    from organizations.models import Program

    admin = client_for(program_a, world.users["a_admin"])
    policy = admin.get("/settings/policy/").text
    assert 'name="languages"' in policy
    assert admin.post("/settings/languages/", {"languages": ["en"]}).status_code == 302
    # A fresh row: the session's program object is shared by every test.
    assert Program.objects.get(pk=program_a.pk).languages_off == ["es"]

    page = public_client(program_a).get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en">' in page.text and "Español" not in page.text
    # None at all is refused: a program always speaks one language.
    admin.post("/settings/languages/", {"languages": []})
    assert Program.objects.get(pk=program_a.pk).languages_off == ["es"]
    staff = client_for(program_a, world.users["a_staff"])
    assert staff.post("/settings/languages/", {"languages": ["en", "es"]}).status_code in (
        403,
        404,
    )


def test_a_language_the_program_turned_off_is_refused_by_its_name(
    program_a, public_client, client_for, world, spanish_on
):
    """One check for a party's and a participant's language, and its message names the
    languages the program offers, not their codes."""
    admin = client_for(program_a, world.users["a_admin"])
    filer = public_client(program_a)
    code = file_anonymously(filer)
    assert admin.post("/settings/languages/", {"languages": ["en"]}).status_code == 302
    reader = public_client(program_a)
    reader.post(STATUS, {"code": code})
    refused = reader.post(MINE, {"action": "language", "language-language": "es"})
    assert "Choose one of: English." in refused.text
    assert "Choose one of: en" not in refused.text
    assert "Your notices" in reader.get(MINE).text  # still in English
