"""Plain language, measured (issue 17): the pages a participant reads (filing a complaint, the
tracking code, checking it, their own page, how complaints work, the poster), their notice and
the letter about a break from the space, rendered as they see them, read at or below US grade
6 in English (Flesch-Kincaid) and at Fernández-Huerta 70 or more ("fairly easy") in Spanish.
The figures are printed."""

import re

import pytest
import textstat

from tests.i18n.readability import sentences
from tests.tenants.web.test_own_page import MINE
from tests.tenants.web.test_public_pages import FILE, FILED, STATUS, complaint

GRADE_AT_MOST = 6  # English: US school grade
EASE_AT_LEAST = 70  # Spanish: Fernández-Huerta, 70-80 "bastante fácil"


def _score(language, text):
    textstat.set_lang(language)
    try:
        if language == "es":
            return textstat.fernandez_huerta(text)
        return textstat.flesch_kincaid_grade(text)
    finally:
        textstat.set_lang("en")


def _passes(language, score):
    return score >= EASE_AT_LEAST if language == "es" else score <= GRADE_AT_MOST


def participant_texts(language, program, public_client, client_for, world, in_program):
    """{what: readable text} of everything a participant reads, in `language`."""
    from tenants.models import Participant
    from workflow import services
    from workflow.models import Ban, Case, Notice

    header = {"HTTP_ACCEPT_LANGUAGE": language}
    visitor = public_client(program)
    texts = {}
    for name, path in (
        ("filing", FILE),
        ("checking", STATUS),
        ("how it works", "/how-complaints-work/"),
        ("poster", "/how-complaints-work/poster/"),
    ):
        texts[name] = visitor.get(path, **header).text
    assert visitor.post(FILE, complaint(), **header).status_code == 302
    texts["tracking code"] = visitor.get(FILED, **header).text
    code = re.search(r"([A-Z2-9]{4}(?:-[A-Z2-9]{4}){2})", texts["tracking code"])[1]
    with in_program(program):
        case = Case.objects.get(tracking_code=code)
        case = services.acknowledge_case(actor=world.users["a_staff"], case=case)
        texts["notice"] = Notice.objects.get(case=case).text
        case = services.start_investigation(
            actor=world.users["a_lead"], case=case, investigator=world.users["a_staff2"]
        )
        services.decide_case(
            actor=world.users["a_lead"],
            case=case,
            reasons="Staff talked with everyone.",
            harmed_person_heard=False,
            not_heard_reason="unreachable",
            actions=[],
        )
        texts["decision"] = Notice.objects.get(case=case, kind="decision").text
    visitor.post(STATUS, {"code": code}, **header)
    texts["own page"] = visitor.get(MINE, **header).text

    staff = client_for(program, world.users["a_staff"])
    with in_program(program):
        Participant.objects.create(code=f"READ-{language}", language=language)
    saved = staff.post(
        "/incidents/new/",
        {
            "narrative": "Shouted at a volunteer.",
            "who": f"READ-{language}",
            "categories": ["threat"],
            "severity": "moderate",
            "immediate": "ban",
            "supply_access_plan": "outreach",
            "supply_access_details": "Outreach meets them at the park.",
        },
    )
    assert saved.status_code == 302, saved.text
    with in_program(program):
        ban = Ban.objects.get(participant__code=f"READ-{language}")
    letter = staff.get(f"/bans/{ban.pk}/letter/").text
    texts["letter"] = re.search(r"<article.*?</article>", letter, re.S)[0]
    return {name: sentences(html) for name, html in texts.items()}


@pytest.mark.parametrize("language", ["en", "es"])
def test_participant_pages_are_plain(
    language, program_a, public_client, client_for, world, in_program
):
    texts = participant_texts(language, program_a, public_client, client_for, world, in_program)
    measure = "Fernández-Huerta (>= 70)" if language == "es" else "Flesch-Kincaid grade (<= 6)"
    failing = []
    print(f"\nReadability, {language}, {measure}:")
    for name, text in texts.items():
        score = _score(language, text)
        print(f"  {name:14} {score:6.1f}  ({len(text.split())} words)")
        if not _passes(language, score):
            failing.append(f"{name}: {score:.1f}")
    assert not failing, failing
