"""On a case's page, the staff pickers for a duty (owner, investigator, hearing facilitator,
an action's owner) offer only members who are not parties to the case; naming a staff member
as a party still offers every member."""

import re

from workflow import services


def _options(page, name):
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return set(re.findall(r'<option value="(\d+)"', select.group(1)))


def test_a_party_is_not_offered_for_a_duty_on_their_case(site, make_case, users, advance):
    case = make_case(parties=[{"role": "witness", "staff_user": users["a_staff2"]}])
    services.acknowledge_case(actor=users["a_staff"], case=case)
    page = site("a_lead").get(f"/cases/{case.pk}/").text
    party, other = str(users["a_staff2"].pk), str(users["a_staff"].pk)
    for picker in ("assign_owner-owner", "start_investigation-investigator"):
        assert other in _options(page, picker) and party not in _options(page, picker), picker
    assert {party, other} <= _options(page, "add_party-staff_user")


def test_a_party_posted_for_a_duty_gets_a_clear_message(site, make_case, users):
    case = make_case(parties=[{"role": "witness", "staff_user": users["a_staff2"]}])
    services.acknowledge_case(actor=users["a_staff"], case=case)
    response = site("a_lead").post(
        f"/cases/{case.pk}/steps/start_investigation/",
        {"start_investigation-investigator": users["a_staff2"].pk},
    )
    assert response.status_code == 400
    assert "not a party to this case" in response.text
    assert users["a_staff2"].email not in response.text.split("<select")[0]
