"""The database itself refuses what the rules forbid, even past the services and models."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from workflow import services
from workflow.models import Ban, CaseEvent

SUPPLIES = {"supply_access_plan": "outreach", "supply_access_details": "Outreach van, Tuesdays."}


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


BAN_INSERT = (
    "INSERT INTO workflow_ban (case_id, participant_id, starts_at, ends_at, max_days, reason,"
    " supply_access_plan, supply_access_details, imposed_at, ended_early_reason)"
    " VALUES (%s, %s, %s, %s, %s, 'r', %s, %s, now(), '')"
)


def test_raw_ban_without_end_or_beyond_maximum_is_rejected(make_case, people):
    case = make_case()
    start = timezone.now()
    good = [case.pk, people["sky"].pk, start, start + timedelta(days=30), 30, "outreach", "van"]
    raw(BAN_INSERT, good)  # exactly the maximum is allowed
    for index, value in [
        (3, None),  # no end: a permanent ban
        (3, start + timedelta(days=30, seconds=1)),  # beyond the maximum on the row
        (3, start - timedelta(days=1)),  # ends before it starts
        (4, 10_000),  # a maximum beyond the hard cap
        (5, "nothing"),  # not a supply access plan
        (6, ""),  # no supply access details
    ]:
        row = list(good)
        row[index] = value
        if index == 4:
            row[3] = start + timedelta(days=9_000)
        with pytest.raises(IntegrityError):
            raw(BAN_INSERT, row)
    assert Ban.objects.count() == 1


def test_model_rejects_ban_without_end_or_plan(make_case, people):
    ban = Ban(
        case=make_case(),
        participant=people["sky"],
        starts_at=timezone.now(),
        ends_at=None,
        max_days=30,
        reason="r",
        supply_access_plan="outreach",
        supply_access_details="",
    )
    with pytest.raises(ValidationError) as err:
        ban.full_clean()
    assert {"ends_at", "supply_access_details"} <= set(err.value.message_dict)


def test_case_event_cannot_be_updated_or_deleted(make_case):
    case = make_case()
    event = CaseEvent.objects.filter(case=case).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError):
        raw("DELETE FROM workflow_caseevent WHERE id = %s", [event.pk])
    with pytest.raises((DatabaseError, InternalError)):
        raw("TRUNCATE workflow_caseevent CASCADE", [])
    event.refresh_from_db()
    assert event.action == "report_case"


def test_policy_versions_are_append_only(in_a):
    from tenants.policy import current_policy

    policy = current_policy()
    with pytest.raises(DatabaseError):
        raw("UPDATE tenants_policyversion SET max_ban_days = 99 WHERE id = %s", [policy.pk])


def test_raw_decision_by_a_party_is_rejected(make_case, users, advance):
    case = make_case(parties=[{"role": "witness", "staff_user": users["a_admin"]}])
    case = advance(case, "investigating")
    now = timezone.now()
    with pytest.raises(IntegrityError):
        raw(
            "INSERT INTO workflow_decision (case_id, decided_by_id, decided_at, reasons,"
            " harmed_person_heard, not_heard_reason, contributing_factors, appeal_deadline)"
            " VALUES (%s, %s, %s, 'r', true, '', '{}', %s)",
            [case.pk, users["a_admin"].pk, now, now + timedelta(days=14)],
        )


def test_raw_investigator_party_is_rejected(make_case, users, advance):
    case = make_case(parties=[{"role": "witness", "staff_user": users["a_staff2"]}])
    services.acknowledge_case(actor=users["a_staff"], case=case)
    with pytest.raises(IntegrityError):
        raw(
            "INSERT INTO workflow_investigation (case_id, investigator_id, started_at,"
            " context_notes, contributing_factors, other_factor)"
            " VALUES (%s, %s, now(), '', '{}', '')",
            [case.pk, users["a_staff2"].pk],
        )


def test_raw_appeal_after_window_is_rejected(make_case, users, advance):
    case = advance(make_case(), "decided")
    closes = case.decision.appeal_deadline
    with pytest.raises(IntegrityError):
        raw(
            "INSERT INTO workflow_appeal (case_id, level, filed_by_id, filed_at,"
            " window_closed_at, grounds, outcome, outcome_reasons)"
            " VALUES (%s, 1, %s, %s, %s, 'g', '', '')",
            [case.pk, case.parties.first().pk, closes + timedelta(days=1), closes],
        )


def test_verify_case_records_detects_tampering(make_case, capsys):
    case = make_case()
    call_command("verify_case_records")
    assert "every case record is intact" in capsys.readouterr().out
    # The app role cannot change an event (see tests/security_data), but it can append: a
    # forged event that links to the last one yet does not match its own hash is caught.
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO workflow_caseevent (case_id, seq, at, action, before, after, prev_hash,"
            " hash) VALUES (%s, %s, now(), 'close_case', '{}', '{\"state\": \"closed\"}', %s,"
            " %s)",
            [case.pk, last.seq + 1, last.hash, "f" * 64],
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_case_records")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert f"case {case.pk} event #{last.seq + 1}: content does not match its hash" in out


def test_the_database_allows_exactly_the_state_changes_the_workflow_makes(make_case):
    """Every pair of states is tried with raw SQL: only the pairs the declared steps make
    (workflow/steps) pass, so a jump (reported straight to closed, or out of a final state) is
    refused even by code that goes around the services."""
    from workflow.models import Case
    from workflow.states import State
    from workflow.steps import TRANSITIONS

    case = make_case()
    allowed = set()
    for origin in State:
        for target in State:
            if origin == target:
                continue
            # Put the row in `origin` without the trigger's say (a fresh row, copied).
            with transaction.atomic():
                row = Case.objects.get(pk=case.pk)
                # Ended and with a reason, so only the transition rule can refuse the change.
                row.pk, row.state, row.tracking_code = None, origin, None
                row.ended_at, row.ending_reason = timezone.now(), "test"
                row.save(force_insert=True)
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(
                            "UPDATE workflow_case SET state = %s WHERE id = %s", [target, row.pk]
                        )
                    allowed.add((origin.value, target.value))
                except IntegrityError as error:
                    assert "no workflow step does that" in str(error)
    assert allowed == set(TRANSITIONS)
    assert ("reported", "closed") not in allowed
    assert not {pair for pair in allowed if pair[0] in {"closed", "withdrawn", "resolved_early"}}
